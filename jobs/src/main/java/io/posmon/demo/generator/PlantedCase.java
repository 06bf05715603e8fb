package io.posmon.demo.generator;

/** The rule kind a planted merchant's traffic or profile is made to trip. */
public enum PlantedCase {
    DAILY_CREDIT_LIMIT,
    VOLUME_JUMP,
    LARGE_ROUND_AMOUNTS,
    SUSPENDED_MERCHANT_ACTIVITY,
    PERSONAL_SETTLEMENT_ACCOUNT
}
