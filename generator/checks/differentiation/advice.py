"""Telling the cooperative what to do: advice for a flagged pair, and what is distinct about each village.

Sentences are plain and specific (they quote the product, the festival, the colour), so a
cooperative can paste them into its brand copy. Each is available in Chinese and English.
"""

from __future__ import annotations

from collections.abc import Callable

from generator.checks.differentiation import text as t
from generator.checks.differentiation.features import Features
from generator.checks.differentiation.signals import OBVIOUS_DIFFERENCE, Signal, colour_closeness
from generator.profile.model import pick
from generator.words import certificate_label, chinese, choose, culture_label


def pair_advice(
    parts: dict[str, float],
    signals: dict[str, Signal],
    a: Features,
    b_label: str,
    unique_of_a: list[str],
    language: str,
) -> list[str]:
    """What village `a` should change, most important first, one sentence per colliding field."""
    m = lambda zh, en: choose(language, zh, en)
    own = choose(language, "、", ", ").join(unique_of_a[:3])
    advice = []
    top = next(iter(parts), None)
    for part in [p for p in parts if parts[p] >= ADVISE_FROM or p == top]:
        if part == "story":
            advice.append(
                m(
                    f"重写品牌故事里与「{b_label}」相同的段落{_quote(signals['story'], language)}；"
                    f"讲只有本村才有的人、事和地方{_own(own, language)}。",
                    f"Rewrite the story passages that match {b_label}{_quote(signals['story'], language)}; tell what "
                    f"only your village has{_own(own, language)}.",
                )
            )
        elif part == "slogan":
            advice.append(
                m(
                    f"换一句口号：现在与「{b_label}」几乎一样{_quote(signals['slogan'], language)}；"
                    f"口号应当只能用在本村。",
                    f"Choose another slogan: it nearly repeats {b_label}'s{_quote(signals['slogan'], language)}; a "
                    f"slogan should fit no other village.",
                )
            )
        elif part == "products-text":
            advice.append(
                m(
                    f"重写产品描述，与「{b_label}」的文字重复{_quote(signals['products'], language)}；写清本村的产地、"
                    f"做法和季节。",
                    f"Rewrite the product descriptions copied from {b_label}{_quote(signals['products'], language)}; "
                    f"say where, how and when yours are made.",
                )
            )
        elif part == "culture-text":
            advice.append(
                m(
                    f"文化介绍与「{b_label}」的文字重复{_quote(signals['culture'], language)}；"
                    "用村里老人讲的版本重写。",
                    f"The culture texts repeat {b_label}'s{_quote(signals['culture'], language)}; rewrite them from "
                    f"what your elders tell.",
                )
            )
        elif part == "logo" and signals["logo"].template:
            advice.append(
                m(
                    f"标志与「{b_label}」用的是同一个常用模板，各写了自己的名字，这不算抄袭；"
                    "想让买家一眼认出，可以换成只属于本村的图形。",
                    f"Your logo and {b_label}'s come from the same everyday template, each with its own name: not a "
                    "copy; a picture of your own would be easier for buyers to recognise.",
                )
            )
        elif part == "logo":
            advice.append(
                m(
                    f"更换标志或主图：与「{b_label}」的图形几乎相同（{_first(signals['logo'])}）。",
                    f"Replace the logo or hero image: it is nearly the same picture as {b_label}'s "
                    f"({_first(signals['logo'])}).",
                )
            )
        elif part == "name":
            advice.append(
                m(
                    f"名称与「{b_label}」形近或音近，且{_why(parts)}；"
                    f"在店铺和直播间用带本村特色的全称{_own(own, language)}。",
                    f"The name looks or sounds like {b_label} and {_why(parts, 'en')}; use a full shop and stream name "
                    f"that carries something only yours has{_own(own, language)}.",
                )
            )
        elif part == "palette" and signals["palette"].delta_e <= OBVIOUS_DIFFERENCE:
            # Above ΔE00 10 two colours differ at a glance: close in number, not in the eye.
            advice.append(
                m(
                    f"主色与「{b_label}」{colour_closeness(signals['palette'].delta_e, 'zh')}"
                    f"（{_first(signals['palette'])}）；换一个来自本村风物的颜色，与它相差 ΔE00 10 以上（一眼可辨）。",
                    f"The colours are {colour_closeness(signals['palette'].delta_e, 'en')} to {b_label}'s "
                    f"({_first(signals['palette'])}); pick a main colour from your own landscape or craft, at least "
                    f"ΔE00 10 away (different at a glance).",
                )
            )
        elif part == "culture":
            advice.append(
                m(
                    f"文化元素与「{b_label}」重合；把本村独有的元素放在前面{_own(own, language)}。",
                    f"Your culture elements overlap with {b_label}'s; lead with the ones only you "
                    f"have{_own(own, language)}.",
                )
            )
        elif part == "products":
            advice.append(
                m(
                    f"产品与「{b_label}」高度重合；突出本村独有的品种、做法或规格{_own(own, language)}。",
                    f"Your products largely overlap with {b_label}'s; put forward a variety, method or format only you "
                    f"offer{_own(own, language)}.",
                )
            )
    return advice


ADVISE_FROM = 0.2
"""Parts that contribute less than this get no advice of their own: the report stays short."""


def _quote(signal: Signal, language: str = "zh") -> str:
    if not signal.snippets:
        return ""
    a, _ = signal.snippets[0]
    return choose(language, f"（如「{t.clip(a, 30)}」）", f" (like “{t.clip(a, 40)}”)")


def _first(signal: Signal) -> str:
    return signal.evidence[0].split("：", 1)[-1].split(": ", 1)[-1] if signal.evidence else ""


def _own(own: str, language: str) -> str:
    return choose(language, f"，比如{own}", f", such as {own}") if own else ""


def _why(parts: dict[str, float], language: str = "zh") -> str:
    if "products" in parts:
        return choose(language, "卖的是同样的产品", "you sell the same goods")
    return choose(language, "产地相近", "you are close on the map")


def distinct_sentences(
    f: Features, others_with: Callable[[str], int], nearest_colour: tuple[str, float] | None, total: int, language: str
) -> list[str]:
    """What `f` has that no other record has, or few have, as sentences for its brand copy.

    `others_with(token)` counts the other records (villages and registry rows) carrying a token;
    `nearest_colour` is (name of the nearest other palette, CIEDE2000 distance); `total` counts the
    records that say what they sell (registries of names only do not).
    """
    m = lambda zh, en: choose(language, zh, en)
    out: list[str] = []
    few = max(2, total // 100)
    for product in f.record.products:
        # One sentence per product, about its rarest vocabulary term (or its name when it has none):
        # a product name is always unique, what it *is* may not be.
        label = product.names
        shown = pick(product.names, language)
        tokens = [x for x in f.products if x.startswith("term:") and f.product_labels.get(x) == label]
        tokens = tokens or [x for x in f.products if x.startswith("name:") and f.product_labels.get(x) == label]
        if not tokens:
            continue
        n = min(others_with(x) for x in tokens)
        if n == 0:
            out.append(
                m(
                    f"只有本村提供「{shown}」这一类产品：把它放在品牌最前面。",
                    f"No other village offers anything like {shown}: lead your brand with it.",
                )
            )
        elif n <= few:
            out.append(
                m(
                    f"像「{shown}」这样的产品只有另外 {n} 个村子有：它是你的辨识点之一。",
                    f"Only {n} other village{'s' * (n > 1)} offer{'s' * (n == 1)} something like {shown}: it sets you "
                    f"apart.",
                )
            )
    for item in f.record.culture:
        tokens = [x for x in f.culture if f.culture_labels.get(x) == item.names]
        name = item.names.get("zh" if chinese(language) else "en") or next(iter(item.names.values()))
        if tokens and all(others_with(x) == 0 for x in tokens):
            kind = culture_label(item.kind, "zh")
            out.append(
                m(
                    f"{kind}「{name}」只属于本村：在故事和直播里讲它。",
                    f"The {item.kind} '{name}' belongs to you alone: tell it in your story and streams.",
                )
            )
    for product in f.record.products:
        for cert in product.certifications:
            kind = cert.split(" ", 1)[0]
            shown = pick(product.names, language)
            number = cert.split(" ", 1)[1]
            out.append(
                m(
                    f"「{shown}」持有{certificate_label(kind, 'zh', 'held')}（{number}）：写在包装和商品页上。",
                    f"{shown} holds a {certificate_label(kind, 'en', 'held')} certificate ({number}): "
                    "show it on the pack and page.",
                )
            )
    if nearest_colour and f.colors:
        name, distance = nearest_colour
        if distance > OBVIOUS_DIFFERENCE:
            out.append(
                m(
                    f"主色 {f.colors[0]} 与最接近的「{name}」相差 ΔE00 {distance:.0f}，一眼可辨：保持它。",
                    f"Your main colour {f.colors[0]} is ΔE00 {distance:.0f} from the nearest ({name}): clearly yours, "
                    f"keep it.",
                )
            )
        else:
            out.append(
                m(
                    f"主色 {f.colors[0]} 与「{name}」只差 ΔE00 {distance:.0f}：考虑换成本村特有的颜色。",
                    f"Your main colour {f.colors[0]} is only ΔE00 {distance:.0f} from {name}'s: consider a colour of "
                    f"your own.",
                )
            )
    for token in sorted(x for x in f.products if x.startswith("cat:")):
        n = others_with(token)
        if n > few:
            label = f.product_labels.get(token, {"zh": token[4:], "en": token[4:]})
            out.append(
                m(
                    f"另有 {n} 个村子也卖{pick(label, 'zh')}：只靠品类讲不出区别，讲你们的做法和地方。",
                    f"{n} other villages also sell {pick(label, 'en').lower()}: the category alone will not set you "
                    f"apart.",
                )
            )
    return list(dict.fromkeys(out))
