package io.nups.apps.kge;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * Loads a knowledge graph directory in either layout: libkge {@code .del} ({@link DelFiles}) or name-based
 * {@code .txt} ({@link NamedTripleFiles}), detected from the files present or given explicitly.
 */
public final class KgeDataLoader
{
    private static final Logger LOG = LoggerFactory.getLogger(KgeDataLoader.class);

    /** The layout of a data set directory. */
    public enum Format
    {
        /** {@link #DEL} if the directory has {@code train.del}, else {@link #NAMED} if it has {@code train.txt}. */
        AUTO,
        /** libkge: {@code train.del}, {@code valid.del}, {@code test.del} of integer ids, optional id files. */
        DEL,
        /** Names: {@code train.txt}, {@code valid.txt}, {@code test.txt}. */
        NAMED;

        /** The format named {@code auto}, {@code del} or {@code named} (any case), for flags. */
        public static Format parse(final String name)
        {
            for (final Format format : values())
            {
                if (format.name().equalsIgnoreCase(name.strip()))
                {
                    return format;
                }
            }
            throw new IllegalArgumentException("unknown KGE data format \"" + name + "\"; expected auto, del or named");
        }
    }

    private KgeDataLoader()
    {
    }

    /** Loads {@code directory}, detecting its layout. */
    public static KgeDataset load(final Path directory)
    {
        return load(directory, Format.AUTO);
    }

    /**
     * Loads {@code directory} in {@code format}. A libkge directory often holds the raw {@code .txt} files too;
     * {@link Format#AUTO} then takes the {@code .del} files, whose ids match libkge's. Logs the sizes and the
     * number of valid/test triples with an entity or relation never seen in training.
     */
    public static KgeDataset load(final Path directory, final Format format)
    {
        if (!Files.isDirectory(directory))
        {
            throw new IllegalArgumentException(directory + ": not a directory; expected a knowledge graph directory " +
                "with train/valid/test.del (libkge) or train/valid/test.txt (names)");
        }
        final KgeDataset dataset = switch (detect(directory, format))
        {
            case DEL -> DelFiles.read(directory);
            case NAMED -> NamedTripleFiles.read(directory);
            case AUTO -> throw new IllegalStateException("detect never answers AUTO");
        };
        LOG.info("{}: {} entities, {} relations, {} train / {} valid / {} test triples", directory,
            dataset.entities(), dataset.relations(), dataset.train().size(), dataset.valid().size(),
            dataset.test().size());
        final int unseen = heldOutWithUnseen(dataset);
        if (unseen > 0)
        {
            LOG.info("{}: {} valid/test triples have an entity or relation that is not in train; they are kept " +
                "(ranked like the others, with an untrained embedding)", directory, unseen);
        }
        return dataset;
    }

    /** The layout {@code format} means for {@code directory}: itself unless {@link Format#AUTO}. */
    static Format detect(final Path directory, final Format format)
    {
        if (format != Format.AUTO)
        {
            return format;
        }
        if (DelFiles.isLayoutOf(directory))
        {
            return Format.DEL;
        }
        if (NamedTripleFiles.isLayoutOf(directory))
        {
            return Format.NAMED;
        }
        throw new IllegalArgumentException(directory + ": no train.del (libkge layout) or train.txt (names, " +
            "head<TAB>relation<TAB>tail); give a directory with one of them, or the format explicitly");
    }

    /** Number of valid and test triples whose head, relation or tail occurs in no training triple. */
    public static int heldOutWithUnseen(final KgeDataset dataset)
    {
        final Triples train = dataset.train();
        final BitSet entities = new BitSet(dataset.entities());
        final BitSet relations = new BitSet(dataset.relations());
        for (int i = 0; i < train.size(); i++)
        {
            entities.set(train.heads()[i]);
            entities.set(train.tails()[i]);
            relations.set(train.relations()[i]);
        }
        return unseen(dataset.valid(), entities, relations) + unseen(dataset.test(), entities, relations);
    }

    private static int unseen(final Triples triples, final BitSet entities, final BitSet relations)
    {
        int unseen = 0;
        for (int i = 0; i < triples.size(); i++)
        {
            if (!entities.get(triples.heads()[i]) || !entities.get(triples.tails()[i]) ||
                !relations.get(triples.relations()[i]))
            {
                unseen++;
            }
        }
        return unseen;
    }
}
