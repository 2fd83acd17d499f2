package io.nups.apps.w2v;

/**
 * A tokenized corpus in memory: its vocabulary, the training sentences, and held-out sentences (possibly none)
 * for a quality score on text the model did not train on. Read one with {@link CorpusReader}.
 */
public record Corpus(Vocabulary vocabulary, TokenStream train, TokenStream heldOut)
{
}
