package io.posmon.demo.generator;

import io.posmon.schema.CardType;

/** A card as the switch sees it: a token and a masked number, never the card number. */
record Card(String token, String maskedPan, CardType type, String customerId) {
}
