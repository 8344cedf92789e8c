"""The Doc-free token path gives what spaCy's tokenizer + `analyse` give."""

import itertools

import spacy

from intake.nlp.tokens import TextAnalyser, analyse


def test_text_analyser_matches_the_spacy_path():
    # given: chunks that spaCy's special cases treat apart or across whitespace ("’ s."
    # keeps "s" "." apart, ":)" joins), contractions, skipped tokens and odd whitespace
    nlp = spacy.blank("en")
    analyser = TextAnalyser(nlp.tokenizer)
    atoms = ["I'm", "cant", "’", "'", "s.", "s", "Prof.", ":", ")", ":)", "(:", "a.m.", "10a.m.",
             "vs.", "flu-like", "-", "zoloft,", "nausea.", "no", "tho", "...", "!?", "😀", "",
             "cause", "it", "'s"]
    spaces = [" ", "  ", "\n", " \n\n", "\t", "\xa0", "\u2028", "\x1c"]
    texts = ["", " ", "\n", "started lexapro 2 wks ago and cant sleep, hair falling out too.",
             "should’vegoin’ s.Prof.\x1c", "it ' s fine . i ' m ok"]
    for a, b, c in itertools.product(atoms, repeat=3):
        for sp in spaces[:3]:
            texts.append(a + sp + b + " " + c)
    texts += [sp + "no nausea" + sp + "tho" + sp for sp in spaces]
    for text in texts:
        # when / then
        assert analyser(text) == analyse(nlp.tokenizer(text)), repr(text)
        assert analyser(text) == analyse(nlp.tokenizer(text)), repr(text)  # from the cache
