package io.nups.apps.kge;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The three splits of a {@link KgeDataset} by index (train, valid, test), for readers and writers that loop. */
final class Splits
{
    static final List<String> NAMES = List.of("train", "valid", "test");

    private Splits()
    {
    }

    static Triples get(final KgeDataset dataset, final int split)
    {
        return switch (split)
        {
            case 0 -> dataset.train();
            case 1 -> dataset.valid();
            case 2 -> dataset.test();
            default -> throw new IllegalArgumentException("no split " + split);
        };
    }

    /** The file of each split in {@code directory}: {@code train<suffix>} and so on; each must exist. */
    static Path[] files(final Path directory, final String suffix, final String layout)
    {
        final Path[] files = new Path[NAMES.size()];
        for (int split = 0; split < files.length; split++)
        {
            files[split] = directory.resolve(NAMES.get(split) + suffix);
            if (!Files.isRegularFile(files[split]))
            {
                throw new IllegalArgumentException(files[split] + ": missing " + NAMES.get(split) + " split; a " + layout +
                    " directory has train" + suffix + ", valid" + suffix + " and test" + suffix);
            }
        }
        return files;
    }
}
