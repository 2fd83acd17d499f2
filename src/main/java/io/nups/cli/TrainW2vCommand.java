package io.nups.cli;

import io.nups.apps.task.TrainingTask;
import io.nups.apps.w2v.CorpusReader;
import io.nups.apps.w2v.SynonymPair;
import io.nups.apps.w2v.W2vConfig;
import io.nups.apps.w2v.W2vTask;
import io.nups.apps.wordnet.WordNetCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code nups train w2v}: word2vec skip-gram with negative sampling on plain-text corpora (reference §5.2); flag
 * names and defaults follow the reference's word-vector app.
 */
@Command(name = "w2v", mixinStandardHelpOptions = true,
    description = {"Word vectors: word2vec skip-gram with negative sampling on plain-text corpora (UTF-8, words " +
        "separated by white space, one sentence per line). Reports loss, nearest neighbours and a quality score: " +
        "synonym_auc with --synonyms, else cooccurrence_auc on held-out sentences. --export writes vectors.txt and " +
        "vectors.bin in word2vec's formats."})
final class TrainW2vCommand extends TrainTaskCommand
{
    @Option(names = "--corpus", paramLabel = "FILE", split = ",", order = 30,
        description = "Corpus files, read in order (comma-separated or repeated) (default: the glosses of WordNet " +
            "3.1, embedded, each line led by its synset's one-word lemmas, scored with WordNet's synonym pairs).")
    List<Path> corpus;

    @Option(names = "--synonyms", paramLabel = "FILE", order = 31,
        description = "Synonym pairs, two words per line, for synonym_auc (default: WordNet's with the default " +
            "corpus, else none: cooccurrence_auc).")
    Path synonyms;

    @Option(names = "--embed_dim", paramLabel = "D", converter = Bounds.PositiveInt.class, order = 32,
        description = "Vector size (default: 200).")
    Integer dim;

    @Option(names = "--window", paramLabel = "N", converter = Bounds.PositiveInt.class, order = 33,
        description = "Largest distance of a context word (default: 5).")
    Integer window;

    @Option(names = "--negative", paramLabel = "N", converter = Bounds.PositiveInt.class, order = 34,
        description = "Negative samples per word pair (default: 25).")
    Integer negative;

    @Option(names = "--min_count", paramLabel = "N", converter = Bounds.PositiveInt.class, order = 35,
        description = "Drop words occurring fewer times (default: 5).")
    Integer minCount;

    @Option(names = "--subsample", paramLabel = "S", order = 36,
        description = "Subsampling threshold of frequent words, 0 = off (default: 1e-4).")
    Double subsample;

    @Option(names = "--alpha", paramLabel = "A", order = 37,
        description = "Starting learning rate, decayed linearly to alpha·1e-4 over all epochs (default: 0.025).")
    Double alpha;

    @Option(names = "--lowercase", order = 38, description = "Lower-case the corpus (default: off, as word2vec).")
    boolean lowercase;

    @Option(names = "--whole-file", order = 39,
        description = "A file is one text cut every 1,000 words, instead of one sentence per line.")
    boolean wholeFile;

    @Option(names = "--held_out_every", paramLabel = "K", order = 40,
        description = "Hold out every K-th sentence for cooccurrence_auc; 0 = none (default: 20).")
    Integer heldOutEvery;

    @Option(names = "--prep_context_ahead", paramLabel = "N", converter = Bounds.PositiveInt.class, order = 41,
        description = "Windows whose negative samples are prepared ahead (default: 10).")
    Integer prepareAhead;

    @Option(names = "--exact-sigmoid", order = 42,
        description = "Exact sigmoid instead of word2vec's table on [-6, 6].")
    boolean exactSigmoid;

    @Option(names = "--eval_words", paramLabel = "N", converter = Bounds.PositiveInt.class, order = 43,
        description = "Score and find neighbours among the N most frequent words (default: 30000).")
    Integer evalWords;

    @Override
    TrainingTask task()
    {
        final W2vConfig config = config();
        if (corpus != null)
        {
            final List<SynonymPair> pairs = synonyms == null ? List.of() : SynonymPair.read(synonyms);
            return new W2vTask(config, CorpusReader.of(config).read(corpus), pairs);
        }
        final WordNetCache wordNet = WordNetCache.open();
        final Path glosses;
        try
        {
            glosses = wordNet.corpusFile(true);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the WordNet corpus: " + ex.getMessage(), ex);
        }
        final List<SynonymPair> pairs = synonyms != null ? SynonymPair.read(synonyms) : wordNet.synonymPairs()
            .stream().map(pair -> new SynonymPair(pair.first(), pair.second())).toList();
        return new W2vTask(config, CorpusReader.of(config).read(List.of(glosses)), pairs);
    }

    private W2vConfig config()
    {
        final W2vConfig d = W2vConfig.DEFAULT;
        try
        {
            return new W2vConfig(dim != null ? dim : d.dim(), window != null ? window : d.window(),
                negative != null ? negative : d.negative(), minCount != null ? minCount : d.minCount(),
                subsample != null ? subsample : d.subsample(), alpha != null ? alpha : d.alpha(), lowercase,
                !wholeFile, heldOutEvery != null ? heldOutEvery : d.heldOutEvery(),
                prepareAhead != null ? prepareAhead : d.prepareAhead(), exactSigmoid,
                evalWords != null ? evalWords : d.evalWords());
        }
        catch (final IllegalArgumentException ex)
        {
            throw fail(ex.getMessage());
        }
    }

    /** word2vec's and NuPS's default of 15 iterations. */
    @Override
    int defaultEpochs()
    {
        return 15;
    }
}
