package io.nups.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TextTableTest
{
    @Test
    void padsColumnsToTheWidestCell()
    {
        final String text = new TextTable("kind", "ops").row("local_pull", "7").row("wait", "123456").toString();
        assertEquals(
            "kind           ops\n" +
            "local_pull       7\n" +
            "wait        123456\n", text);
    }

    @Test
    void rejectsRowsOfTheWrongWidth()
    {
        assertThrows(IllegalArgumentException.class, () -> new TextTable("a", "b").row("only one"));
    }
}
