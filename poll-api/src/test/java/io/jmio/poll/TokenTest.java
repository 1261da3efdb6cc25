package io.jmio.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class TokenTest {
    @Test
    void carriesAny64BitValue() {
        assertEquals(Long.MIN_VALUE, Token.of(Long.MIN_VALUE).value());
        assertEquals(-1L, Token.of(-1).value());
        assertEquals(Token.of(1L << 40), Token.of(1L << 40));
        assertNotEquals(Token.of(1), Token.of(2));
        assertSame(Token.of(7), Token.of(7));
        assertEquals("Token(5)", Token.of(5).toString());
    }
}
