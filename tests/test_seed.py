"""The seed: the Chinese version of Azerbaijan's letter of 28 May 2025 with two annexes."""

from __future__ import annotations

import hashlib
from collections import defaultdict

import pytest

from unkg.facts import card
from unkg.parse import parse_file

from conftest import SEED, SEED_KEY, compare_card, load_json, shared_path

SEED_SHA256 = "a5eed4f0c19cbc0a15474e70f417763d77d5cd84f3b5ab5e75f416753ed0434f"


@pytest.fixture(scope="module")
def doc(auth):
    return parse_file(SEED, auth)


@pytest.fixture(scope="module")
def facts(doc):
    return card(doc)


def test_source_is_the_seed_byte_for_byte():
    assert hashlib.sha256(SEED.read_bytes()).hexdigest() == SEED_SHA256


def test_source_equals_shared_seed():
    assert SEED.read_bytes() == shared_path("seed", f"{SEED_KEY}.txt").read_bytes()


def test_card_matches_expected_facts(facts):
    expected = load_json(shared_path("corpus", "zh", f"{SEED_KEY}.facts.json"))
    problems = compare_card(facts, expected)
    assert not problems, "\n".join(problems)


# The assertions below were checked by hand against the seed's text (lines cited), so the seed is
# tested even where ../shared is absent.


def test_masthead(facts):
    # line 1 "大  会  安全理事会", line 3 "第七十九届会议  第八十年"
    assert facts["organs"][0]["organ"] == "General Assembly"
    assert facts["organs"][0]["session"] == 79
    assert facts["organs"][1] == {"organ": "Security Council", "year": 2025}
    # line 5: seven item numbers, in masthead order
    numbers = [a["number"] for a in facts["organs"][0]["agenda_items"]]
    assert numbers == ["32", "60", "61", "69", "71", "84", "132"]


def test_agenda_titles_split_across_wrapped_lines(facts, doc):
    titles = [a["title"] for a in facts["organs"][0]["agenda_items"]]
    # lines 9-13 are one title wrapped mid-word ("人道 / 主义问题"); so are 17-19 and 25-27
    assert titles[1].endswith("以及人道主义问题") and titles[1].startswith("联合国难民事务高级专员")
    assert titles[3] == "消除种族主义、种族歧视、仇外和相关不容忍言行"
    assert titles[6] == "保护责任与防止灭绝种族、战争罪、族裔清洗和危害人类罪"
    # every item is in the authority agenda: no fallback was needed
    assert not [w for w in doc.warnings if "agenda item" in w.message]
    assert all(a.concept is not None for a in doc.organs[0].agenda_items)


def test_no_symbol_issue_date_or_original_language(facts):
    # the seed's text layer has no masthead symbol, Distr. line or "Original:": absent, not guessed
    assert facts["symbols"] == [] and facts["issued"] is None and facts["original_language"] is None
    assert any("no document symbol" in w for w in facts["warnings"])


def test_title_date_sender_recipient(facts):
    assert facts["kind"] == "letter"
    assert facts["date"] == "2025-05-28"  # line 29 "2025 年 5 月 28 日…"
    assert facts["title"] == "2025年5月28日阿塞拜疆常驻联合国代表给秘书长的信"
    assert facts["sender"] == {
        "name": "托菲格·穆萨耶夫",  # line 47, before "(签名)"
        "function": "Permanent Representative",  # title 常驻联合国代表; line 43 常驻代表
        "state": "Azerbaijan",
        "rank": "Ambassador",  # line 45 大使
        "signed": True,
    }
    assert facts["recipients"] == ["Secretary-General"]


def test_circulation_request_agrees_with_masthead(facts, doc):
    # lines 39-41: "请将本信及其附件作为大会议程项目 32、…和 132 的文件和安全理事会的文件分发为荷。"
    assert facts["circulate_as"] == [
        {"organ": "General Assembly", "agenda_items": ["32", "60", "61", "69", "71", "84", "132"]},
        {"organ": "Security Council"},
    ]
    assert not [w for w in doc.warnings if "circulation" in w.message]


def test_annexes(facts, doc):
    first, second = facts["annexes"]
    assert (first["label"], first["author"], first["date"], first["place"]) == (
        "I", "Ilham Aliyev", "2025-05-21", "Ankara")
    assert first["title"].startswith("阿塞拜疆共和国总统2025年5月21日在土耳其共和国安卡拉")
    assert first["title"].endswith("的国际会议上向与会者发表的讲话")
    assert (second["label"], second["author"], second["date"], second["place"]) == (
        "II", None, "2025-05-21", "Ankara")
    assert second["title"].endswith("的国际会议的最后文件")
    a1, a2 = doc.annexes
    assert len(a1.paragraphs) == 12 and len(a2.paragraphs) == 14  # counted by hand (indented lines)
    assert [c.value for c in a1.closing_lines] == ["阿塞拜疆共和国总统", "伊利哈姆·阿利耶夫"]
    assert [c.value for c in a2.closing_lines] == ["2025年5月21日，安卡拉"]
    # an annex's signature is not the letter's
    assert a1.author.name.value != doc.sender.name.value
    assert a1.author.signed is None and a1.author.function.value.label == "President"


def test_letter_body(doc):
    assert len(doc.paragraphs) == 2
    assert doc.paragraphs[0].value.startswith("奉阿塞拜疆共和国政府指示")
    assert doc.paragraphs[0].value.endswith("(分别见附件一和附件二)。")
    # the wrapped "2025 年 5 月 / 21 日" (lines 31-33) is joined
    assert "2025年5月21日在土耳其共和国安卡拉" in doc.paragraphs[0].value


def _mentions(doc):
    found = defaultdict(set)
    for m in doc.mentions:
        found[m.entity.label if m.entity else None].add((m.kind, m.surface.value, m.part))
    return found


def test_mentions_resolve_all_labels(doc):
    found = _mentions(doc)
    unesco = {s for _, s, _ in found["United Nations Educational, Scientific and Cultural Organization"]}
    assert unesco == {"联合国教育、科学及文化组织", "教科文组织"}
    icesco = {s for _, s, _ in found["Islamic World Educational, Scientific and Cultural Organization"]}
    assert icesco == {"伊斯兰世界教育、科学及文化组织", "伊斯兰世界教科文组织"}
    # IRCICA's name wraps over lines 192-194
    assert {s for _, s, _ in found["Research Centre for Islamic History, Art and Culture"]} == {
        "伊斯兰历史、艺术和文化研究中心"}
    for label in ("United Nations", "Western Azerbaijan Community", "Universal Declaration of Human Rights",
                  "International Covenant on Civil and Political Rights", "Recep Tayyip Erdoğan",
                  "Ilham Aliyev", "Azerbaijan", "Armenia", "Türkiye", "Ankara", "Nakhchivan", "Karabakh",
                  "South Caucasus"):
        assert found[label], label


def test_designations_are_not_places(doc):
    kinds = {m.surface.value: m.kind for m in doc.mentions if m.entity}
    assert kinds["西阿塞拜疆"] == "designation"
    assert kinds["西赞格祖尔"] == "designation"
    assert kinds["大亚美尼亚"] == "designation"
    # the longest name wins: 西阿塞拜疆共同体 is the organisation, not the designation + 共同体
    assert kinds["西阿塞拜疆共同体"] == "organization"


def test_mentions_are_in_their_parts(doc):
    parts = {m.part for m in doc.mentions}
    assert parts == {"main", "annex_1", "annex_2"}
    erdogan = [m for m in doc.mentions if m.entity and m.entity.label == "Recep Tayyip Erdoğan"]
    assert [m.part for m in erdogan] == ["annex_2"] and erdogan[0].surface.span.line == 225


def test_unresolved_names_are_reported_not_dropped(doc):
    events = [m for m in doc.mentions if m.kind == "event"]
    assert events and all(m.entity is None for m in events)
    assert events[0].surface.value == "返回西阿塞拜疆是人权至高无上的必要条件"
    assert any("unresolved event mention" in w.message for w in doc.warnings)
