"""The indicator framework: the 一级/二级 layouts a Plan can use, and the synonyms documents use.

Two layouts exist (DESIGN.md §3). In the classic one 成本指标 is a 二级 under 产出指标; in the
2021 one (财预〔2021〕101号) 成本指标 is a 一级 of its own. Documents often word a category
differently (效果指标 for 效益指标); `canonical_level1` / `canonical_level2` map such wording to
the layout's name, and the document's own wording is kept for display elsewhere.
"""

import functools
import re

CLASSIC = "classic"
Y2021 = "2021"

LAYOUT_TITLES = {
    CLASSIC: "通用格式（成本指标为产出指标的二级指标）",
    Y2021: "2021年格式（成本指标为一级指标）",
}

_OUTPUT = "产出指标"
_COST = "成本指标"
_BENEFIT = ("效益指标", ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"))
_SATISFACTION = ("满意度指标", ("服务对象满意度指标",))

LAYOUTS = {
    CLASSIC: (
        (_OUTPUT, ("数量指标", "质量指标", "时效指标", _COST)),
        _BENEFIT,
        _SATISFACTION,
    ),
    Y2021: (
        (_OUTPUT, ("数量指标", "质量指标", "时效指标")),
        (_COST, ("经济成本指标", "社会成本指标", "生态环境成本指标")),
        _BENEFIT,
        _SATISFACTION,
    ),
}

LEVEL1_SYNONYMS = {
    "效果指标": "效益指标",
    "预期产出指标": "产出指标",
}

LEVEL2_SYNONYMS = {
    "进度指标": "时效指标",
    "环境效益指标": "生态效益指标",
    # Some forms repeat the 一级 name as the only 二级 under 满意度指标.
    "满意度指标": "服务对象满意度指标",
    "社会公众或服务对象满意度指标": "服务对象满意度指标",  # the Ministry of Finance's wording
    "社会公众满意度指标": "服务对象满意度指标",
}

_SUFFIX = "指标"


def squeeze(label):
    """A label without any white space, for comparing (documents pad cells with full-width spaces)."""
    return "".join(label.split())


# What a form writes around an indicator's name: 产出指标（50分）, 数量指标(20), 一、满意度指标.
_ASIDE = re.compile(r"[（(【\[〔][^（()）【】\[\]〔〕]*[)）】\]〕]")
_ORDINAL = re.compile(r"^[一二三四五六七八九十0-9]+[、.．]")


def bare(label):
    """A label squeezed, without a score or note in brackets or a leading ordinal."""
    return _ORDINAL.sub("", _ASIDE.sub("", squeeze(label)))


def _canonical(label, synonyms, known):
    text = squeeze(label)
    for candidate in (text, text + _SUFFIX, bare(text), bare(text) + _SUFFIX):
        candidate = synonyms.get(candidate, candidate)
        if candidate in known:
            return candidate
    return text


_ALL_LEVEL1 = {name for layout in LAYOUTS.values() for name, _ in layout}
_ALL_LEVEL2 = {child for layout in LAYOUTS.values() for _, children in layout for child in children}


# A plan repeats a handful of labels thousands of times, and every rule asks for them.
@functools.lru_cache(maxsize=4096)
def canonical_level1(label):
    """The framework's name for a 一级 label (效果指标 → 效益指标); unknown labels come back squeezed."""
    return _canonical(label, LEVEL1_SYNONYMS, _ALL_LEVEL1)


@functools.lru_cache(maxsize=4096)
def canonical_level2(label):
    """The framework's name for a 二级 label (进度指标 → 时效指标); unknown labels come back squeezed."""
    return _canonical(label, LEVEL2_SYNONYMS, _ALL_LEVEL2)


def detect_layout(level1_names):
    """The layout whose 一级 set fits canonical 一级 names best: 成本指标 as a 一级 means 2021."""
    return Y2021 if _COST in set(level1_names) else CLASSIC


def pairs(layout):
    """Every (一级, 二级) pair of a layout, in the order of the official form."""
    return [(level1, level2) for level1, children in LAYOUTS[layout] for level2 in children]
