package io.posmon.demo.generator;

import java.time.LocalDate;

/** A normal merchant's approved sales so far in the current clock hour and business day. */
final class MerchantDayTally {
    private LocalDate day;
    private int hour = -1;
    private long hourAmount;
    private int hourCount;
    private long dayAmount;
    private int dayCount;
    private long dayCredit;

    /** Counts the sale and returns true if it keeps the merchant inside its envelope; else changes nothing. */
    boolean admit(LocalDate date, int clockHour, long amountMinor, boolean credit, NormalEnvelope envelope) {
        if (!date.equals(day)) {
            day = date;
            dayAmount = 0;
            dayCount = 0;
            dayCredit = 0;
            hour = -1;
        }
        if (clockHour != hour) {
            hour = clockHour;
            hourAmount = 0;
            hourCount = 0;
        }
        boolean fits = hourAmount + amountMinor <= envelope.hourAmountMinor()
                && hourCount < envelope.hourCount()
                && dayAmount + amountMinor <= envelope.dayAmountMinor()
                && dayCount < envelope.dayCount()
                && (!credit || dayCredit + amountMinor <= envelope.dayCreditMinor());
        if (fits) {
            hourAmount += amountMinor;
            hourCount++;
            dayAmount += amountMinor;
            dayCount++;
            if (credit) {
                dayCredit += amountMinor;
            }
        }
        return fits;
    }
}
