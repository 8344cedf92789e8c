"""Training on annotated forum posts (pipeline 2.9): reading them, what each learner takes from
them, and `pv screen-train` end to end on tiny made-up data: tests/data/forum/mini.jsonl and a
made-up PsyTAR layout in a temporary folder, nothing outside the repository."""

import gzip
import json
import zlib
from pathlib import Path

import numpy as np
import pytest

from intake.cli import train_main
from intake.nlp import pipeline
from intake.nlp.forum_train import as_examples, digest, read_posts, read_rows, sentence_rows
from intake.nlp.tagger import TAGS
from intake.nlp.train import learn, tagger_examples, train, train_tagger

MINI = Path(__file__).parents[1] / "data" / "forum" / "mini.jsonl"


def _post(text: str, *spans: tuple[str, str]) -> dict:
    """A post in docs/annotation.md's format, spans given as (surface, label), found in order."""
    out, at = [], 0
    for surface, label in spans:
        start = text.index(surface, at)
        out.append([start, start + len(surface), label, surface])
        at = start + len(surface)
    return {"id": f"t-{zlib.crc32(text.encode()) % 10_000}", "about_drug": None, "text": text,
            "spans": out}


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_posts_keep_adr_and_ind_spans_and_leave_drugs_out():
    posts = read_posts([MINI])
    assert len(posts) == 3
    by_text = {p["text"][:10]: p for p in posts}
    ibuprofen = by_text["I take ibu"]
    text = ibuprofen["text"]
    assert [(text[a:b], lab) for a, b, lab in ibuprofen["spans"]] == [
        ("back pain", "IND"), ("heartburn", "ADR")]
    assert all(lab in ("ADR", "IND") for p in posts for _, _, lab in p["spans"])


def test_a_missing_or_malformed_training_file_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        read_rows([tmp_path / "absent.jsonl"])
    bad = _write(tmp_path / "bad.jsonl", [{"id": "x", "text": "dizzy on it",
                                           "spans": [[0, 5, "ADR", "dizzz"]]}])
    with pytest.raises(ValueError, match="reads 'dizzy'"):
        read_rows([bad])


def test_the_digest_changes_with_the_files_bytes(tmp_path):
    one = _write(tmp_path / "a.jsonl", [_post("dizzy on it", ("dizzy", "ADR"))])
    before = digest([one])
    _write(one, [_post("dizzy on it again", ("dizzy", "ADR"))])
    assert digest([one]) != before


def test_sentence_rows_mark_the_sentences_holding_an_adr_span():
    (post,) = as_examples([_post("I take ibuprofen for my back pain. It gives me heartburn. "
                                 "No rash at all.", ("back pain", "IND"), ("heartburn", "ADR"))])
    rows = sentence_rows([post])
    assert [(r["text"], r["ADR"]) for r in rows] == [
        ("I take ibuprofen for my back pain.", 0), ("It gives me heartburn.", 1),
        ("No rash at all.", 0)]


def test_tagger_examples_tag_adr_and_ind_and_leave_drug_tokens_o():
    (post,) = as_examples([_post("took Lipitor for high cholesterol and got leg cramps",
                                 ("Lipitor", "DRUG"), ("high cholesterol", "IND"),
                                 ("leg cramps", "ADR"))])
    (norms, _), = tagger_examples([post])[0]
    (tags,) = tagger_examples([post])[1]
    got = {norms[i]: TAGS[t] for i, t in enumerate(tags)}
    assert got["lipitor"] == "O"
    assert (got["high"], got["cholesterol"]) == ("B-IND", "I-IND")
    assert (got["leg"], got["cramps"]) == ("B-ADR", "I-ADR")


def test_learn_counts_forum_ind_as_the_treated_condition_and_learns_forum_phrases():
    # given posts (no drug named: where the prior decides) where "heartburn" is the treated
    # condition and a lay phrase is an ADR
    treated = [_post(f"these pills help my heartburn a lot, day {i}", ("heartburn", "IND"))
               for i in range(4)]
    lay = [_post(f"since the pills nausea hit me hard {i}", ("nausea hit me hard", "ADR"))
           for i in range(2)]
    learned = learn(as_examples(treated + lay))
    # then the phrase's share of treated-condition matches is learned from IND ...
    priors = learned["indication_prior"]
    assert priors and max(priors.values()) > 0.5
    # ... and the annotated lay phrase becomes a learned phrase
    assert "nausea hit me hard" in learned["phrases"]


def test_the_indication_prior_is_learned_only_where_no_drug_of_the_text_is_in_the_table():
    # given "heartburn" annotated as the treated condition in posts naming a drug the
    # indication table knows is for it (pepcid), or about such a drug, and in posts naming none
    named = [_post(f"pepcid helps my heartburn a lot, day {i}", ("heartburn", "IND"))
             for i in range(4)]
    about = [{**_post(f"it helps my heartburn a lot, week {i}", ("heartburn", "IND")),
              "about_drug": "famotidine"} for i in range(4)]
    bare = [_post(f"these pills help my heartburn a lot, day {i}", ("heartburn", "IND"))
            for i in range(4)]
    # then the table explains the first two (the pipeline never applies the prior there) ...
    assert learn(as_examples(named + about))["indication_prior"] == {}
    # ... and only texts with no table drug teach it
    assert learn(as_examples(named + about + bare))["indication_prior"] == \
        learn(as_examples(bare))["indication_prior"] != {}


def test_psytar_weight_repeats_psytar_sentences_in_the_tagger_training(tmp_path):
    psytar = [{"text": "zoloft gave me a headache", "spans": [(15, 25, "ADR")]}] * 3
    posts = as_examples([_post("lisinopril gave me a dry cough", ("dry cough", "ADR"))] * 2)
    kwargs = {"epochs": 1, "seeds": 1, "min_count": 1, "forum_posts": posts}
    one = train_tagger(tmp_path / "one.npz", psytar, psytar_weight=1, **kwargs)
    two = train_tagger(tmp_path / "two.npz", psytar, psytar_weight=2, **kwargs)
    again = train_tagger(tmp_path / "again.npz", psytar, psytar_weight=2, **kwargs)
    assert one["id"] != two["id"] == again["id"]
    assert (two.get("psytar_weight"), "psytar_weight" in one) == (2, False)
    assert two["sentences"] == 3  # the sentences, not their repeats


def test_forum_weight_repeats_posts_in_the_tagger_training(tmp_path):
    psytar = [{"text": "zoloft gave me a headache", "spans": [(15, 25, "ADR")]}] * 3
    posts = as_examples([_post("lisinopril gave me a dry cough", ("dry cough", "ADR"))] * 2)
    kwargs = {"epochs": 1, "seeds": 1, "min_count": 1}
    one = train_tagger(tmp_path / "one.npz", psytar, forum_posts=posts, forum_weight=1, **kwargs)
    again = train_tagger(tmp_path / "again.npz", psytar, forum_posts=posts, forum_weight=1,
                         **kwargs)
    two = train_tagger(tmp_path / "two.npz", psytar, forum_posts=posts, forum_weight=2, **kwargs)
    assert (tmp_path / "one.npz").read_bytes() == (tmp_path / "again.npz").read_bytes()
    assert one["id"] == again["id"] != two["id"]
    assert (one["forum_posts"], one["forum_weight"], two["forum_weight"]) == (2, 1, 2)
    with np.load(tmp_path / "one.npz") as data:
        assert "cough" in set(data["vocab"].tolist())  # forum words join the vocabulary


def _tiny_psytar(base: Path) -> Path:
    (base / "all").mkdir(parents=True)
    (base / "binary").mkdir()
    conll = "zoloft\tO\ngave\tO\nme\tO\nheadaches\tB-ADR\n\nfor\tO\nmy\tO\ndepression\tB-SSI\n\n"
    (base / "all" / "train.txt").write_text(conll * 3, encoding="utf-8")
    rows = "sentences\tADR\tWD\tEF\tINF\tSSI\tDI\n" + (
        "zoloft gave me headaches\t1\t0\t0\t0\t0\t0\n"
        "for my depression\t0\t0\t0\t0\t1\t0\n") * 3
    for name in ("train.csv", "dev.csv"):
        (base / "binary" / name).write_text(rows, encoding="utf-8")
    return base


@pytest.fixture
def restore_models():
    yield
    pipeline._clear_models()


@pytest.mark.usefixtures("restore_models")
def test_train_learns_from_psytar_and_forum_posts_byte_for_byte(tmp_path):
    split = _tiny_psytar(tmp_path / "psytar")
    forum = _write(tmp_path / "ft.jsonl", [
        _post("started lisinopril and got a dry cough every night", ("lisinopril", "DRUG"),
              ("dry cough", "ADR")),
        _post("metformin for my diabetes gave me diarrhea. no rash", ("metformin", "DRUG"),
              ("diabetes", "IND"), ("diarrhea", "ADR"))])
    outs = []
    for run in ("a", "b"):
        (tmp_path / run).mkdir()
        paths = [tmp_path / run / name for name in ("learned.json.gz", "tagger.npz",
                                                    "sentences.npz")]
        meta = train(paths[0], split, paths[1], paths[2], forum_files=[forum])
        outs.append([p.read_bytes() for p in paths])
    # the same files in give the same bytes out
    assert outs[0] == outs[1]
    assert meta["id"].startswith("psytar-forum-train-")
    assert "2 forum posts (ft.jsonl" in meta["source"]
    with gzip.open(tmp_path / "a" / "learned.json.gz", "rt") as fh:
        assert "forum posts" in json.load(fh)["meta"]["source"]
    with np.load(tmp_path / "a" / "tagger.npz") as data:
        assert json.loads(str(data["meta"]))["forum_posts"] == 2
    with np.load(tmp_path / "a" / "sentences.npz") as data:
        assert json.loads(str(data["meta"]))["forum_rows"] == 3  # 1 + 2 sentences
    # and with no forum files it is the PsyTAR-only training, named so
    paths = [tmp_path / name for name in ("l.json.gz", "t.npz", "s.npz")]
    assert train(paths[0], split, paths[1], paths[2], forum_files=[])["id"].startswith(
        "psytar-train-")


def test_screen_train_refuses_a_bad_weight_or_a_missing_forum_file(tmp_path, capsys):
    assert train_main(["--forum-weight", "0"]) == 2
    assert "--forum-weight" in capsys.readouterr().err
    out = [f"--out={tmp_path / 'l.gz'}", f"--tagger-out={tmp_path / 't.npz'}",
           f"--sentences-out={tmp_path / 's.npz'}"]
    assert train_main([*out, "--forum", str(tmp_path / "absent.jsonl")]) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.mark.usefixtures("restore_models")
def test_forum_cross_validation_scores_every_post_once_with_models_of_the_other_folds(
        tmp_path):
    from intake.nlp.crossval import cross_validate_forum
    from intake.nlp.psytar import read_binary, read_conll

    split = _tiny_psytar(tmp_path)
    rows = [_post(f"lisinopril gave me a dry cough, week {i}", ("lisinopril", "DRUG"),
                  ("dry cough", "ADR")) for i in range(4)]
    shipped = pipeline.pipeline_version()["pipeline"]
    cv = cross_validate_forum(read_conll(split / "all" / "train.txt"), rows, k=2,
                              binary=(read_binary(split / "binary" / "train.csv"),
                                      read_binary(split / "binary" / "dev.csv")))
    assert cv["posts"] == 4 and [f["posts"] for f in cv["folds"]] == [2, 2]
    assert cv["adr"]["strict"]["gold"] == 4 and cv["drugs"]["strict"]["gold"] == 4
    # the shipped models are back after it
    assert pipeline.pipeline_version()["pipeline"] == shipped


@pytest.mark.usefixtures("restore_models")
def test_psytar_cross_validation_learns_each_fold_from_the_other_folds_and_the_forum_posts(
        tmp_path, monkeypatch):
    from intake.nlp import crossval
    from intake.nlp.forum_train import as_examples
    from intake.nlp.psytar import read_conll

    sentences = read_conll(_tiny_psytar(tmp_path) / "all" / "train.txt")
    posts = as_examples([_post("lisinopril gave me a dry cough", ("lisinopril", "DRUG"),
                               ("dry cough", "ADR"))])
    seen = {"learn": [], "tagger": []}
    real_learn, real_tagger = crossval.learn, crossval.train_tagger
    monkeypatch.setattr(crossval, "learn",
                        lambda rows: seen["learn"].append(list(rows)) or real_learn(rows))
    monkeypatch.setattr(crossval, "train_tagger", lambda path, rows, **kw: (
        seen["tagger"].append(kw.get("forum_posts")) or real_tagger(path, rows, **kw)))
    cv = crossval.cross_validate(sentences, k=2, forum_posts=posts)
    assert len(cv["folds"]) == 2
    # every fold learns from the forum post as well as from the other fold's sentences
    assert all(posts[0] in rows and len(rows) == len(sentences) // 2 + 1
               for rows in seen["learn"])
    assert seen["tagger"] == [posts, posts]
