package io.nups.apps.w2v;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CorpusReaderTest
{
    @TempDir
    Path dir;

    @Test
    void wordsAreSplitOnWhiteSpaceAndLinesAreSentences() throws IOException
    {
        final Corpus corpus = new CorpusReader(1, false, true, 0).read(file("a.txt",
            "the cat\tsat  on\r\nthe mat\n\n   \nthe end"));
        final Vocabulary vocabulary = corpus.vocabulary();
        assertEquals(List.of("the", "cat", "end", "mat", "on", "sat"), words(vocabulary),
            "sorted by count, ties by word");
        assertEquals(3, vocabulary.count(0));
        assertEquals(8, vocabulary.totalCount());
        assertEquals(List.of(List.of("the", "cat", "sat", "on"), List.of("the", "mat"), List.of("the", "end")),
            sentences(corpus.train(), vocabulary));
        assertEquals(0, corpus.heldOut().size());
    }

    @Test
    void minCountDropsRareWordsFromVocabularyAndTextAndEmptySentences() throws IOException
    {
        final Corpus corpus = new CorpusReader(2, false, true, 0).read(file("a.txt", "a b a\nc d\nb a e"));
        assertEquals(List.of("a", "b"), words(corpus.vocabulary()));
        assertEquals(List.of(List.of("a", "b", "a"), List.of("b", "a")), sentences(corpus.train(), corpus.vocabulary()));
        assertEquals(-1, corpus.vocabulary().id("c"));
    }

    @Test
    void aWholeFileIsOneTextCutEveryThousandWords() throws IOException
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < 2500; i++)
        {
            text.append("w").append(i % 7).append(i % 10 == 9 ? "\n" : " ");
        }
        final Corpus whole = new CorpusReader(1, false, false, 0).read(file("a.txt", text.toString()));
        assertEquals(3, whole.train().sentences());
        assertEquals(1000, whole.train().end(0));
        assertEquals(2500, whole.train().size());
        final Corpus lines = new CorpusReader(1, false, true, 0).read(file("b.txt", text.toString()));
        assertEquals(250, lines.train().sentences());
    }

    @Test
    void lowercasingMergesAsciiAndNonAsciiCaseVariants() throws IOException
    {
        final Corpus corpus = new CorpusReader(1, true, true, 0).read(file("a.txt", "Über über THE the Thé"));
        assertEquals(List.of("the", "über", "thé"), words(corpus.vocabulary()));
        assertEquals(2, corpus.vocabulary().count(corpus.vocabulary().id("über")));
        final Corpus kept = new CorpusReader(1, false, true, 0).read(file("b.txt", "Über über"));
        assertEquals(2, kept.vocabulary().size());
    }

    @Test
    void aLongWordIsCutAtACharacterBoundary() throws IOException
    {
        // 99 ASCII bytes then a 2-byte 'é': byte 100 would split it, so the word keeps 99 bytes.
        final String word = "x".repeat(99) + "é" + "yyy";
        final Corpus corpus = new CorpusReader(1, false, true, 0).read(file("a.txt", word + " " + "z".repeat(150)));
        assertTrue(words(corpus.vocabulary()).contains("x".repeat(99)), words(corpus.vocabulary()).toString());
        assertTrue(words(corpus.vocabulary()).contains("z".repeat(100)));
    }

    @Test
    void everyKthSentenceIsHeldOutAndNotCounted() throws IOException
    {
        final Corpus corpus = new CorpusReader(1, false, true, 3).read(file("a.txt", "a a\nb b\na b\nd d\ne e\nf a\ng"));
        assertEquals(List.of(List.of("a", "a"), List.of("b", "b"), List.of("d", "d"), List.of("e", "e"), List.of("g")),
            sentences(corpus.train(), corpus.vocabulary()));
        assertEquals(-1, corpus.vocabulary().id("f"), "held-out only words have no training count");
        assertEquals(2, corpus.vocabulary().count(corpus.vocabulary().id("a")));
        assertEquals(List.of(List.of("a", "b"), List.of("a")), sentences(corpus.heldOut(), corpus.vocabulary()),
            "f is out of the vocabulary and dropped from the held-out text too");
    }

    @Test
    void severalFilesMakeOneCorpus() throws IOException
    {
        final Corpus corpus = new CorpusReader(1, false, true, 0).read(List.of(file("a.txt", "a b"), file("b.txt", "b c")));
        assertEquals(List.of(List.of("a", "b"), List.of("b", "c")), sentences(corpus.train(), corpus.vocabulary()));
    }

    @Test
    void invalidUtf8IsReportedWithFileAndLine() throws IOException
    {
        final Path bad = dir.resolve("bad.txt");
        Files.write(bad, new byte[] {'o', 'k', '\n', 'f', 'i', 'n', 'e', '\n', 'b', 'a', (byte)0xC3, 'd'});
        final CorpusException ex = assertThrows(CorpusException.class,
            () -> new CorpusReader(1, false, true, 0).read(bad));
        assertTrue(ex.getMessage().startsWith(bad + ":3: invalid UTF-8: byte 0xC3 at byte 2"), ex.getMessage());
    }

    @Test
    void aBinaryFileIsRejected() throws IOException
    {
        final Path bad = dir.resolve("bin.dat");
        Files.write(bad, new byte[] {'a', '\n', 'b', 0, 'c'});
        final CorpusException ex = assertThrows(CorpusException.class,
            () -> new CorpusReader(1, false, true, 0).read(bad));
        assertTrue(ex.getMessage().startsWith(bad + ":2: NUL byte"), ex.getMessage());
    }

    @Test
    void anEmptyCorpusAndOneWithoutFrequentWordsAreRejected() throws IOException
    {
        final Path blank = file("blank.txt", " \n\t\n");
        final CorpusException empty = assertThrows(CorpusException.class,
            () -> new CorpusReader(1, false, true, 0).read(blank));
        assertEquals("corpus " + blank + " has no words (only white space)", empty.getMessage());
        final Path rare = file("rare.txt", "a b b c");
        final CorpusException none = assertThrows(CorpusException.class,
            () -> new CorpusReader(3, false, true, 0).read(rare));
        assertTrue(none.getMessage().contains("min count 3 leaves no words") &&
            none.getMessage().contains("'b' occurs 2 times"), none.getMessage());
    }

    @Test
    void anUnreadableFileIsNamed()
    {
        final Path missing = dir.resolve("missing.txt");
        final CorpusException ex = assertThrows(CorpusException.class,
            () -> new CorpusReader(1, false, true, 0).read(missing));
        assertTrue(ex.getMessage().startsWith(missing + ": cannot read"), ex.getMessage());
    }

    @Test
    void badOptionsAreRejected()
    {
        assertThrows(IllegalArgumentException.class, () -> new CorpusReader(0, false, true, 0));
        assertThrows(IllegalArgumentException.class, () -> new CorpusReader(1, false, true, 1));
    }

    private Path file(final String name, final String text) throws IOException
    {
        return Files.write(dir.resolve(name), text.getBytes(StandardCharsets.UTF_8));
    }

    static List<String> words(final Vocabulary vocabulary)
    {
        final List<String> words = new ArrayList<>();
        for (int id = 0; id < vocabulary.size(); id++)
        {
            words.add(vocabulary.word(id));
        }
        return words;
    }

    static List<List<String>> sentences(final TokenStream text, final Vocabulary vocabulary)
    {
        final List<List<String>> sentences = new ArrayList<>();
        for (int s = 0; s < text.sentences(); s++)
        {
            final List<String> sentence = new ArrayList<>();
            for (int i = text.start(s); i < text.end(s); i++)
            {
                sentence.add(vocabulary.word(text.token(i)));
            }
            sentences.add(sentence);
        }
        return sentences;
    }
}
