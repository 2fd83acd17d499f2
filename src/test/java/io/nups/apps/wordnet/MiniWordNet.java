package io.nups.apps.wordnet;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.HashMap;
import java.util.Map;

/** A crafted WordNet of seven synsets, with its files replaceable one by one to make them wrong. */
final class MiniWordNet
{
    static final String LICENSE = "  1 This software and database is being provided to you  \n";

    final Map<String, String> files = new HashMap<>(Map.of(
        "data.noun", LICENSE +
            "00000010 03 n 01 entity 0 003 ~ 00000020 n 0000 ~ 00000030 n 0000 ~ 00000020 n 0000 | that which is  \n" +
            "00000020 05 n 02 dog 0 domestic_dog 0 004 @ 00000010 n 0000 + 00000100 v 0101 %p 00000030 n 0000 " +
            "@ 00000010 n 0000 | a domestic animal; \"the dog barked\"  \n" +
            "00000030 05 n 02 Dog 1 hound 0 002 @ 00000010 n 0000 #p 00000020 n 0000 | a hunting dog  \n",
        "data.verb", LICENSE + "00000100 29 v 01 bark 0 001 + 00000020 n 0101 01 + 02 00 | make barking sounds  \n",
        "data.adj", LICENSE +
            "00000200 00 a 02 big(a) 0 large 0 001 & 00000210 s 0000 | above average in size  \n" +
            "00000210 00 s 01 huge 0 001 & 00000200 a 0000 | very large  \n",
        "data.adv", LICENSE + "00000300 02 r 01 loudly 0 000 | with much noise  \n",
        "index.noun", LICENSE + "dog n 2 3 @ ~ %p 2 1 00000020 00000030  \nentity n 1 1 ~ 1 0 00000010  \n" +
            "hound n 1 1 @ 1 0 00000030  \n",
        "index.verb", LICENSE + "bark v 1 1 + 1 0 00000100  \n",
        "index.adj", LICENSE + "big a 1 1 & 1 0 00000200  \nhuge a 1 1 & 1 0 00000210  \nlarge a 1 1 & 1 0 00000200  \n",
        "index.adv", LICENSE + "loudly r 1 0 1 0 00000300  \n"));

    WordNet read()
    {
        return WordNet.read(name -> new BufferedReader(new StringReader(files.get(name))));
    }
}
