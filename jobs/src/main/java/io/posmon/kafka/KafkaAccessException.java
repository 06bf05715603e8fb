package io.posmon.kafka;

/** Kafka refused posmon's client (credentials, rights) or lacks a topic it needs: the job is not started. */
public final class KafkaAccessException extends RuntimeException {

    public KafkaAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
