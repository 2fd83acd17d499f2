package io.nups.transport;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeartbeatJudgeTest
{
    @Test
    void regularChecksJudgeSilence()
    {
        final HeartbeatJudge judge = new HeartbeatJudge(5_000, 1_000);
        assertTrue(judge.mayJudge(1_100));
        assertTrue(judge.mayJudge(3_600), "a gap of exactly half the timeout is no stall");
    }

    @Test
    void aStalledCheckerSkipsOneJudgementThenJudgesAgain()
    {
        final HeartbeatJudge judge = new HeartbeatJudge(5_000, 1_000);
        assertTrue(judge.mayJudge(1_100));
        // Held up for 7 s (the stall that made four nodes of one JVM declare each other lost).
        assertFalse(judge.mayJudge(8_100), "after its own stall the checker cannot tell a silent peer from a stalled one");
        assertTrue(judge.mayJudge(8_200), "one period later peers have had their chance to beat");
    }
}
