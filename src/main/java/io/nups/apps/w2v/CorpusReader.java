package io.nups.apps.w2v;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads plain-text corpora as word2vec does (reference §5.2): UTF-8 text, words separated by spaces, tabs and
 * line breaks, at most {@value #MAX_WORD_BYTES} bytes per word (longer words are cut at a character boundary), at
 * most {@value #MAX_SENTENCE_WORDS} words per sentence (longer ones are split). A sentence is a line, or with
 * {@code sentencePerLine} off a whole file (in pieces of {@value #MAX_SENTENCE_WORDS} words). Words occurring fewer
 * than {@code minCount} times in the training sentences are dropped from the vocabulary and the text.
 *
 * <p>With {@code heldOutEvery} = k > 0, every k-th sentence goes to the held-out text instead of training.
 * Tokenizing works on bytes: a word is decoded (and checked to be UTF-8) only the first time it is seen.
 */
public final class CorpusReader
{
    /** word2vec's MAX_STRING. */
    public static final int MAX_WORD_BYTES = 100;
    /** word2vec's MAX_SENTENCE_LENGTH. */
    public static final int MAX_SENTENCE_WORDS = 1000;
    private static final int BUFFER_BYTES = 1 << 20;

    private final int minCount;
    private final boolean lowercase;
    private final boolean sentencePerLine;
    private final int heldOutEvery;

    /**
     * @param minCount        smallest training count a word needs to be kept, >= 1
     * @param lowercase       lower-case words (ASCII in place, others by {@link String#toLowerCase(Locale)} ROOT)
     * @param sentencePerLine a line ends a sentence (word2vec); else only the file end and the length cap do
     * @param heldOutEvery    every k-th sentence is held out of training; 0 for none, else >= 2
     */
    public CorpusReader(final int minCount, final boolean lowercase, final boolean sentencePerLine,
        final int heldOutEvery)
    {
        if (minCount < 1)
        {
            throw new IllegalArgumentException("min count must be >= 1, got " + minCount);
        }
        if (heldOutEvery < 0 || heldOutEvery == 1)
        {
            throw new IllegalArgumentException("held-out share: every k-th sentence needs k = 0 (none) or k >= 2, got " +
                heldOutEvery);
        }
        this.minCount = minCount;
        this.lowercase = lowercase;
        this.sentencePerLine = sentencePerLine;
        this.heldOutEvery = heldOutEvery;
    }

    /** The reader the options of {@code config} describe. */
    public static CorpusReader of(final W2vConfig config)
    {
        return new CorpusReader(config.minCount(), config.lowercase(), config.sentencePerLine(), config.heldOutEvery());
    }

    /**
     * Reads and tokenizes {@code files} in order into one corpus.
     *
     * @throws CorpusException naming the file (and line) when a file is unreadable or not UTF-8 text, or when the
     *                         corpus has no word (left) after applying the minimum count
     */
    public Corpus read(final List<Path> files)
    {
        if (files.isEmpty())
        {
            throw new CorpusException("no corpus files given");
        }
        final Tokenizer tokenizer = new Tokenizer();
        for (final Path file : files)
        {
            try (InputStream in = Files.newInputStream(file))
            {
                tokenizer.readFile(file, in);
            }
            catch (final IOException ex)
            {
                throw new CorpusException(file + ": cannot read the corpus file (" + ex + ")", ex);
            }
        }
        return tokenizer.finish(files);
    }

    /** Tokenizes a single file. */
    public Corpus read(final Path file)
    {
        return read(List.of(file));
    }

    /** The state of one read: raw words by first appearance, the two token streams, training counts. */
    private final class Tokenizer
    {
        private final ByteWordTable table = new ByteWordTable();
        private final List<String> rawWords = new ArrayList<>();
        private long[] trainCounts = new long[1024];
        private final IntList[] tokens = {new IntList(), new IntList()};
        private final IntList[] starts = {new IntList(), new IntList()};
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        private final byte[] word = new byte[MAX_WORD_BYTES + 1];
        private int wordLength;
        private int sentenceLength;
        private int sentences;
        private int stream;
        private long rawTokens;

        Tokenizer()
        {
            starts[0].add(0);
            starts[1].add(0);
        }

        void readFile(final Path file, final InputStream in) throws IOException
        {
            final byte[] buffer = new byte[BUFFER_BYTES];
            long line = 1;
            int n;
            while ((n = in.read(buffer)) >= 0)
            {
                for (int i = 0; i < n; i++)
                {
                    final byte b = buffer[i];
                    if (b == ' ' || b == '\t' || b == '\r' || b == 0x0B || b == 0x0C)
                    {
                        endWord(file, line);
                    }
                    else if (b == '\n')
                    {
                        endWord(file, line);
                        if (sentencePerLine)
                        {
                            endSentence();
                        }
                        line++;
                    }
                    else if (b == 0)
                    {
                        throw new CorpusException(file + ":" + line + ": NUL byte; a corpus must be UTF-8 text " +
                            "(is this a binary file?)");
                    }
                    else if (wordLength <= MAX_WORD_BYTES)
                    {
                        word[wordLength++] = lowercase && b >= 'A' && b <= 'Z' ? (byte)(b + ('a' - 'A')) : b;
                    }
                }
            }
            endWord(file, line);
            endSentence();
        }

        private void endWord(final Path file, final long line)
        {
            if (wordLength == 0)
            {
                return;
            }
            int length = wordLength;
            if (length > MAX_WORD_BYTES)
            {
                // Cut before the character that does not fit: back up over continuation bytes to its lead byte.
                length = MAX_WORD_BYTES;
                while (length > 0 && (word[length] & 0xC0) == 0x80)
                {
                    length--;
                }
            }
            wordLength = 0;
            int hash = 0;
            for (int i = 0; i < length; i++)
            {
                hash = 31 * hash + word[i];
            }
            hash = ByteWordTable.mix(hash);
            int id = table.find(word, length, hash);
            if (id < 0)
            {
                rawWords.add(decode(file, line, length));
                id = table.add(word, length, hash);
                if (id == trainCounts.length)
                {
                    trainCounts = Arrays.copyOf(trainCounts, id * 2);
                }
            }
            tokens[stream].add(id);
            rawTokens++;
            if (stream == 0)
            {
                trainCounts[id]++;
            }
            if (++sentenceLength == MAX_SENTENCE_WORDS)
            {
                endSentence();
            }
        }

        private String decode(final Path file, final long line, final int length)
        {
            final ByteBuffer in = ByteBuffer.wrap(word, 0, length);
            final CharBuffer out = CharBuffer.allocate(length);
            decoder.reset();
            CoderResult result = decoder.decode(in, out, true);
            if (!result.isError())
            {
                result = decoder.flush(out);
            }
            if (result.isError())
            {
                final int at = in.position();
                throw new CorpusException(String.format(Locale.ROOT, "%s:%d: invalid UTF-8: byte 0x%02X at byte %d " +
                    "of a word; a corpus must be UTF-8 text", file, line, word[at] & 0xFF, at));
            }
            final String text = out.flip().toString();
            return lowercase ? text.toLowerCase(Locale.ROOT) : text;
        }

        private void endSentence()
        {
            if (sentenceLength == 0)
            {
                return;
            }
            starts[stream].add(tokens[stream].size());
            sentenceLength = 0;
            sentences++;
            stream = heldOutEvery > 0 && sentences % heldOutEvery == heldOutEvery - 1 ? 1 : 0;
        }

        Corpus finish(final List<Path> files)
        {
            if (rawTokens == 0)
            {
                throw new CorpusException(describe(files) + " has no words (only white space)");
            }
            // Raw words that differ only in the case of non-ASCII letters merge into one word when lower-casing.
            final Map<String, Long> counts = new HashMap<>();
            for (int raw = 0; raw < rawWords.size(); raw++)
            {
                counts.merge(rawWords.get(raw), trainCounts[raw], Long::sum);
            }
            final List<Map.Entry<String, Long>> kept = new ArrayList<>();
            Map.Entry<String, Long> top = null;
            for (final Map.Entry<String, Long> entry : counts.entrySet())
            {
                if (entry.getValue() >= minCount)
                {
                    kept.add(entry);
                }
                if (top == null || entry.getValue() > top.getValue())
                {
                    top = entry;
                }
            }
            if (kept.isEmpty())
            {
                throw new CorpusException("min count " + minCount + " leaves no words in " + describe(files) +
                    ": the most frequent training word '" + top.getKey() + "' occurs " + top.getValue() +
                    " times; lower the min count");
            }
            kept.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
            final String[] words = new String[kept.size()];
            final long[] wordCounts = new long[kept.size()];
            final Map<String, Integer> ids = new HashMap<>(kept.size() * 2);
            for (int id = 0; id < words.length; id++)
            {
                words[id] = kept.get(id).getKey();
                wordCounts[id] = kept.get(id).getValue();
                ids.put(words[id], id);
            }
            final int[] finalIds = new int[rawWords.size()];
            for (int raw = 0; raw < finalIds.length; raw++)
            {
                finalIds[raw] = ids.getOrDefault(rawWords.get(raw), -1);
            }
            return new Corpus(new Vocabulary(words, wordCounts), remap(0, finalIds), remap(1, finalIds));
        }

        /** Stream {@code s} in final ids, without dropped words and the sentences left empty. */
        private TokenStream remap(final int s, final int[] finalIds)
        {
            final IntList in = tokens[s];
            final IntList sentenceStarts = starts[s];
            final IntList out = new IntList();
            final IntList outStarts = new IntList();
            outStarts.add(0);
            for (int sentence = 0; sentence + 1 < sentenceStarts.size(); sentence++)
            {
                for (int i = sentenceStarts.get(sentence); i < sentenceStarts.get(sentence + 1); i++)
                {
                    final int id = finalIds[in.get(i)];
                    if (id >= 0)
                    {
                        out.add(id);
                    }
                }
                if (out.size() > outStarts.get(outStarts.size() - 1))
                {
                    outStarts.add(out.size());
                }
            }
            return new TokenStream(out.toArray(), outStarts.toArray());
        }
    }

    private static String describe(final List<Path> files)
    {
        return files.size() == 1 ? "corpus " + files.get(0) : "corpus of " + files.size() + " files (" +
            files.get(0) + ", ...)";
    }

    /** A growable int array. */
    private static final class IntList
    {
        private int[] values = new int[1024];
        private int size;

        void add(final int value)
        {
            if (size == values.length)
            {
                if (size == Integer.MAX_VALUE - 8)
                {
                    throw new CorpusException("corpus exceeds " + size + " tokens, the most one array holds");
                }
                values = Arrays.copyOf(values, (int)Math.min(Integer.MAX_VALUE - 8, 2L * size));
            }
            values[size++] = value;
        }

        int get(final int index)
        {
            return values[index];
        }

        int size()
        {
            return size;
        }

        int[] toArray()
        {
            return Arrays.copyOf(values, size);
        }
    }
}
