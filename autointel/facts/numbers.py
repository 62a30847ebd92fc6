"""Numerals as written in Chinese news -> numbers.

``parse_number`` reads one numeral: Arabic (``1,100``, ``124.6``, full-width
``１２３``), Chinese (``三千``, ``两百``, ``一百零五``, ``三点五``), digit-by-digit
(``二〇二五``) and any of these followed by magnitude words (``124.6万``,
``3.3亿``, ``1.2万亿``, ``2.8兆``, ``3千万``, ``三亿五千万``).

It does not look for numerals in text (that is ``quantity.find_quantities``)
and does not know about ``数``/``几``/``余``/``多``: vague numerals are the
caller's business, because they change the qualifier, not the number.

Arithmetic is decimal, so ``124.6万`` is exactly 1246000.0 and not
1246000.0000000002; the float is made once, at the end.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

# 兆 is 10^12 (Taiwan/financial usage, "2.8兆美元"), not the mainland metric 10^6.
BIG_UNITS = (("兆", Decimal(10) ** 12), ("亿", Decimal(10) ** 8), ("万", Decimal(10) ** 4))
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
DIGITS = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}
for _d in range(10):
    DIGITS[str(_d)] = _d

# full-width digits and the marks that appear inside numbers -> ASCII
_FOLD = {ord("０") + i: ord("0") + i for i in range(10)}
_FOLD.update({ord("．"): ord("."), ord("，"): None, ord(","): None, ord(" "): None,
              ord("\u00a0"): None, ord("\u3000"): None})


def parse_number(s: str) -> float:
    """Value of one numeral; ``ValueError`` when ``s`` is not one.

    >>> parse_number("1,100万"), parse_number("2.8兆"), parse_number("两百")
    (11000000.0, 2800000000000.0, 200.0)
    """
    return float(parse_decimal(s))


def parse_decimal(s: str) -> Decimal:
    """Like ``parse_number`` but exact."""
    folded = s.translate(_FOLD)
    if not folded:
        raise ValueError(f"not a number: {s!r}")
    try:
        return _parse(folded)
    except (InvalidOperation, KeyError, IndexError) as exc:
        raise ValueError(f"not a number: {s!r}") from exc


def _parse(s: str) -> Decimal:
    # Split on the largest magnitude word, last occurrence: "1.2万亿" = (1.2万)·亿,
    # "三亿五千万" = 三·亿 + 五千万.
    for word, mult in BIG_UNITS:
        i = s.rfind(word)
        if i < 0:
            continue
        left, right = s[:i], s[i + 1:]
        value = (_parse(left) if left else Decimal(1)) * mult
        if right:
            value += _parse_remainder(right, mult)
        return value
    return _parse_small(s)


def _parse_remainder(right: str, mult: Decimal) -> Decimal:
    if right[0] in "零〇":  # "一亿零五百万": the zero only says a place is empty
        return _parse(right.lstrip("零〇"))
    if len(right) == 1 and right in DIGITS:  # colloquial "三万五" = 35000
        return DIGITS[right] * mult / 10
    return _parse(right)


def _parse_small(s: str) -> Decimal:
    """Below 万: Arabic, Arabic + 十/百/千, Chinese with 十百千, 点 decimals, digit strings."""
    if s[0].isascii() and s[0].isdigit():
        if s[-1] in SMALL_UNITS:  # "3千", "5百"
            return Decimal(s[:-1]) * SMALL_UNITS[s[-1]]
        if not all(c.isascii() and (c.isdigit() or c == ".") for c in s):
            raise ValueError(f"not a number: {s!r}")
        return Decimal(s)
    if "点" in s:  # "十二点五", "三点五"
        whole, _, frac = s.partition("点")
        if not frac or any(DIGITS.get(c) is None for c in frac):
            raise ValueError(f"not a number: {s!r}")
        return (_parse_small(whole) if whole else Decimal(0)) + Decimal("0." + "".join(str(DIGITS[c]) for c in frac))
    if (len(s) > 2 or "〇" in s or "零" in s) and all(c in DIGITS for c in s):  # "二〇二五" digit by digit
        return Decimal("".join(str(DIGITS[c]) for c in s))
    total = 0
    digit: int | None = None
    last_unit = 0
    zero_seen = False
    for c in s:
        if c in SMALL_UNITS:
            unit = SMALL_UNITS[c]
            if last_unit and unit >= last_unit:  # "百百", "十百"
                raise ValueError(f"not a number: {s!r}")
            total += (1 if digit is None else digit) * unit
            last_unit, digit, zero_seen = unit, None, False
        elif c in DIGITS:
            if digit:  # two digits in a row: "三五" is a range, not a number
                raise ValueError(f"not a number: {s!r}")
            digit = DIGITS[c]
            zero_seen = zero_seen or digit == 0
        else:
            raise ValueError(f"not a number: {s!r}")
    if digit is not None:
        # "两百五" = 250, "三千五" = 3500; but "一百零五" = 105
        total += digit * last_unit // 10 if last_unit >= 100 and not zero_seen else digit
    return Decimal(total)
