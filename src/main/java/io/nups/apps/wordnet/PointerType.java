package io.nups.apps.wordnet;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The WordNet pointer symbols (wninput(5WN)) and the relation names of the knowledge graph, in the style of
 * WN18/WN18RR ({@code _hypernym}, {@code _has_part}, ...). Of each pair of mutually inverse pointers one
 * direction is marked {@link #inverse}: WN18RR drops those (a test triple would otherwise be answered by its
 * inverse in train), and so does {@link WordNetGraph} unless asked for them.
 */
enum PointerType
{
    ANTONYM("!", "_antonym", false),
    HYPERNYM("@", "_hypernym", false),
    INSTANCE_HYPERNYM("@i", "_instance_hypernym", false),
    HYPONYM("~", "_hyponym", true),
    INSTANCE_HYPONYM("~i", "_instance_hyponym", true),
    MEMBER_HOLONYM("#m", "_member_holonym", true),
    SUBSTANCE_HOLONYM("#s", "_substance_holonym", true),
    PART_HOLONYM("#p", "_part_of", true),
    MEMBER_MERONYM("%m", "_member_meronym", false),
    SUBSTANCE_MERONYM("%s", "_substance_meronym", false),
    PART_MERONYM("%p", "_has_part", false),
    ATTRIBUTE("=", "_attribute", false),
    DERIVATION("+", "_derivationally_related_form", false),
    TOPIC_DOMAIN(";c", "_synset_domain_topic_of", false),
    TOPIC_MEMBER("-c", "_member_of_domain_topic", true),
    REGION_DOMAIN(";r", "_synset_domain_region_of", true),
    REGION_MEMBER("-r", "_member_of_domain_region", false),
    USAGE_DOMAIN(";u", "_synset_domain_usage_of", true),
    USAGE_MEMBER("-u", "_member_of_domain_usage", false),
    ENTAILMENT("*", "_entailment", false),
    CAUSE(">", "_cause", false),
    ALSO_SEE("^", "_also_see", false),
    VERB_GROUP("$", "_verb_group", false),
    SIMILAR_TO("&", "_similar_to", false),
    PARTICIPLE("<", "_participle", false),
    PERTAINYM("\\", "_pertainym", false); // adverbs use it for "derived from adjective"

    /** All symbols, for error messages. */
    static final String SYMBOLS = Arrays.stream(values()).map(type -> type.symbol).collect(Collectors.joining(" "));

    private static final Map<String, PointerType> BY_SYMBOL = new HashMap<>();

    static
    {
        for (final PointerType type : values())
        {
            BY_SYMBOL.put(type.symbol, type);
        }
    }

    final String symbol;
    final String relation;
    final boolean inverse;

    PointerType(final String symbol, final String relation, final boolean inverse)
    {
        this.symbol = symbol;
        this.relation = relation;
        this.inverse = inverse;
    }

    /** The type of {@code symbol}, or null if WordNet has no such pointer. */
    static PointerType of(final String symbol)
    {
        return BY_SYMBOL.get(symbol);
    }
}
