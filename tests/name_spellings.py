"""Generated Korean names and the ways people write them, for the adversarial tests.

Written apart from sillok's own spelling tables (security/spellings.py) on purpose: these are
the systems' published tables (Revised Romanization, McCune–Reischauer, Yale) and the everyday
spellings seen in passports and newspapers, so a spelling the matcher does not know fails a
test instead of agreeing with itself. All names are generated; none is a real person's.
"""

from __future__ import annotations

import unicodedata

from hypothesis import strategies as st

SURNAMES = {
    "김": ["Kim", "Gim"], "이": ["Lee", "Yi", "Ri", "Rhee", "I"], "박": ["Park", "Pak", "Bak"],
    "최": ["Choi", "Choe"], "정": ["Jung", "Jeong", "Chung", "Chong"], "강": ["Kang", "Gang"],
    "조": ["Cho", "Jo"], "윤": ["Yoon", "Yun"], "장": ["Jang", "Chang"],
    "임": ["Lim", "Im", "Rim"], "한": ["Han"], "오": ["Oh", "O"], "서": ["Seo", "Suh", "So"],
    "신": ["Shin", "Sin"], "권": ["Kwon", "Gwon"], "황": ["Hwang"], "안": ["Ahn", "An"],
    "송": ["Song"], "류": ["Ryu", "Yu", "Yoo"], "유": ["Yu", "Yoo"], "홍": ["Hong"],
    "전": ["Jeon", "Chon", "Chun"], "고": ["Ko", "Go", "Koh"], "문": ["Moon", "Mun"],
    "양": ["Yang"], "손": ["Son", "Sohn"], "배": ["Bae", "Pae"], "백": ["Baek", "Paek"],
    "허": ["Heo", "Hur", "Ho"], "남": ["Nam"], "노": ["Noh", "Roh", "No"], "리": ["Ri", "Li"],
    "로": ["Ro", "Roh"], "량": ["Ryang"], "림": ["Rim", "Lim"],
}
# Syllables common in given names, with the spellings people use beside RR and MR.
GIVEN = {
    "철": ["Chul", "Cheol", "Chol"], "수": ["Soo", "Su"], "영": ["Young", "Yeong", "Yong"],
    "희": ["Hee", "Hui", "Heui"], "민": ["Min"], "준": ["Joon", "Jun"], "서": ["Seo", "So"],
    "연": ["Yeon", "Yon", "Yun"], "지": ["Ji", "Jee"], "훈": ["Hoon", "Hun"],
    "현": ["Hyun", "Hyeon", "Hyon"], "우": ["Woo", "U"], "성": ["Sung", "Seong", "Song"],
    "진": ["Jin", "Chin"], "경": ["Kyung", "Kyong", "Gyeong"], "숙": ["Sook", "Suk"],
    "정": ["Jung", "Jeong", "Chong"], "호": ["Ho"], "동": ["Dong", "Tong"],
    "혁": ["Hyuk", "Hyeok", "Hyok"], "광": ["Kwang", "Gwang"], "명": ["Myung", "Myong"],
    "순": ["Soon", "Sun"], "옥": ["Ok"], "선": ["Sun", "Seon", "Son"], "미": ["Mi"],
    "은": ["Eun", "Un"], "혜": ["Hye"], "재": ["Jae", "Chae"], "상": ["Sang"],
    "규": ["Kyu", "Gyu"], "태": ["Tae"], "용": ["Yong"], "석": ["Seok", "Suk", "Sok"],
    "남": ["Nam"], "일": ["Il"], "국": ["Kook", "Guk", "Kuk"], "춘": ["Chun", "Choon"],
    "학": ["Hak"], "복": ["Bok", "Pok"], "화": ["Hwa"], "련": ["Ryon", "Ryeon"],
    "룡": ["Ryong"], "림": ["Rim"], "길": ["Gil", "Kil"], "주": ["Joo", "Ju"],
    "원": ["Won", "Weon"], "향": ["Hyang"], "금": ["Geum", "Kum"],
    "란": ["Ran"], "송": ["Song"], "애": ["Ae"], "의": ["Eui", "Ui"],
}
GIVEN_SYLLABLES = sorted(s for s in GIVEN if len(s) == 1)
# Chinese characters the names may be written in (Korean documents, Chinese police and court
# papers): a common character for each syllable, and the simplified form where it differs.
HANJA = {
    "김": "金", "이": "李", "박": "朴", "최": "崔", "정": "鄭", "강": "姜", "조": "趙", "윤": "尹",
    "장": "張", "임": "林", "한": "韓", "오": "吳", "서": "徐", "신": "申", "권": "權", "황": "黃",
    "안": "安", "송": "宋", "류": "柳", "유": "劉", "홍": "洪", "전": "全", "고": "高", "문": "文",
    "양": "梁", "손": "孫", "배": "裵", "백": "白", "허": "許", "남": "南", "노": "盧", "리": "李",
    "로": "魯", "량": "梁", "림": "林",
    "철": "哲", "수": "洙", "영": "英", "희": "姬", "민": "敏", "준": "俊", "연": "蓮", "지": "智",
    "훈": "勳", "현": "賢", "우": "宇", "성": "成", "진": "珍", "경": "慶", "숙": "淑", "호": "浩",
    "동": "東", "혁": "赫", "광": "光", "명": "明", "순": "順", "옥": "玉", "선": "善", "미": "美",
    "은": "恩", "혜": "惠", "재": "在", "상": "相", "규": "圭", "태": "泰", "용": "龍", "석": "錫",
    "일": "一", "국": "國", "춘": "春", "학": "學", "복": "福", "화": "花", "련": "蓮", "룡": "龍",
    "길": "吉", "주": "珠", "원": "元", "향": "香", "금": "錦", "란": "蘭", "애": "愛", "의": "義",
}
HANJA_ALSO = {"수": "秀", "영": "永", "희": "熙", "정": "貞", "연": "妍", "진": "眞", "경": "京"}
SIMPLIFIED = {"鄭": "郑", "張": "张", "韓": "韩", "吳": "吴", "權": "权", "黃": "黄", "劉": "刘",
              "孫": "孙", "許": "许", "盧": "卢", "魯": "鲁", "趙": "赵", "勳": "勋", "賢": "贤",
              "慶": "庆", "東": "东", "順": "顺", "龍": "龙", "錫": "锡", "國": "国", "學": "学",
              "蓮": "莲", "錦": "锦", "蘭": "兰", "愛": "爱", "義": "义", "裵": "裴", "眞": "真"}

RR_INITIAL = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch",
              "k", "t", "p", "h"]
MR_INITIAL = ["k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "tch",
              "ch'", "k'", "t'", "p'", "h"]
RR_MEDIAL = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u",
             "wo", "we", "wi", "yu", "eu", "ui", "i"]
MR_MEDIAL = ["a", "ae", "ya", "yae", "ŏ", "e", "yŏ", "ye", "o", "wa", "wae", "oe", "yo", "u",
             "wŏ", "we", "wi", "yu", "ŭ", "ŭi", "i"]
# Yale (S. E. Martin's system for Korean, as linguists write it): ㅜ is wu but after p, ph, m.
YALE_INITIAL = ["k", "kk", "n", "t", "tt", "l", "m", "p", "pp", "s", "ss", "", "c", "cc", "ch",
                "kh", "th", "ph", "h"]
YALE_MEDIAL = ["a", "ay", "ya", "yay", "e", "ey", "ye", "yey", "o", "wa", "way", "oy", "yo",
               "wu", "we", "wey", "wi", "yu", "u", "uy", "i"]
YALE_FINAL = ["", "k", "kk", "ks", "n", "nc", "nh", "t", "l", "lk", "lm", "lp", "ls", "lth",
              "lph", "lh", "m", "p", "ps", "s", "ss", "ng", "c", "ch", "kh", "th", "ph", "h"]
FINAL = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m",
         "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"]
# The initial sound law both ways: the North writes ㄹ where the South writes ㅇ or ㄴ.
SOUND_LAW = {"이": "리", "리": "이", "유": "류", "류": "유", "노": "로", "로": "노", "양": "량",
             "량": "양", "임": "림", "림": "임", "영": "령", "연": "련", "련": "연", "용": "룡",
             "룡": "용", "란": "난"}
INVISIBLE = ["\u200b", "\u00ad", "\u2060", "\ufeff"]
SEPARATORS = [" ", "-", "·", " · ", "\u200b", "\u00ad", "  ", "\u3000", "‐", "."]


def romanize(syllable: str, system: str) -> str:
    code = ord(syllable) - 0xAC00
    initial, rest = divmod(code, 588)
    medial, final = divmod(rest, 28)
    if system == "mr":
        return MR_INITIAL[initial] + MR_MEDIAL[medial] + FINAL[final]
    if system == "yale":
        vowel = "u" if medial == 13 and initial in (6, 7, 8, 17) else YALE_MEDIAL[medial]
        return YALE_INITIAL[initial] + vowel + YALE_FINAL[final]
    return RR_INITIAL[initial] + RR_MEDIAL[medial] + FINAL[final]


# Yale's ㅓ "e" and ㅕ "ye" (철 chel, 영 yeng): the matcher does not take them
# (security/spellings.py says why), so Yale spellings are drawn only for syllables without
# them (a known gap, not a pass).
YALE_E = {4, 6}


def medial_of(syllable: str) -> int:
    return (ord(syllable) - 0xAC00) % 588 // 28


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c
                   for c in text)


@st.composite
def names(draw: st.DrawFn) -> tuple[str, str]:
    """(surname, given name) in Hangul."""
    surname = draw(st.sampled_from(sorted(SURNAMES)))
    size = draw(st.sampled_from([1, 2, 2, 2]))
    given = "".join(draw(st.lists(st.sampled_from(GIVEN_SYLLABLES), min_size=size,
                                  max_size=size)))
    return surname, given


@st.composite
def latin_syllable(draw: st.DrawFn, syllable: str, table: dict[str, list[str]]) -> str:
    options = [romanize(syllable, "rr"), romanize(syllable, "mr")]
    options.append("".join(c for c in unicodedata.normalize("NFD", options[1])
                           if not unicodedata.combining(c)))
    options += table.get(syllable, [])
    if medial_of(syllable) not in YALE_E:
        options.append(romanize(syllable, "yale"))
    return draw(st.sampled_from(options))


@st.composite
def written(draw: st.DrawFn, surname: str, given: str) -> tuple[str, str]:
    """One way of writing the name or a fragment of it: (text, what it is)."""
    form = draw(st.sampled_from(["name", "name", "given", "partial"]
                                if len(given) >= 2 else ["name"]))
    script = draw(st.sampled_from(["hangul", "latin", "hangul", "latin", "hanja"]))
    if script == "hanja":
        chars = [draw(st.sampled_from([HANJA[s], HANJA_ALSO.get(s, HANJA[s])]))
                 for s in surname + given]
        if draw(st.booleans()):
            chars = [SIMPLIFIED.get(c, c) for c in chars]
        text = {"name": "".join(chars), "given": "".join(chars[1:]),
                "partial": "".join(chars[:2])}[form]
        if len(text) > 1 and draw(st.booleans()):
            text = text[:1] + draw(st.sampled_from([" ", "·"])) + text[1:]
        return text, f"{form} in Hanja"
    if script == "hangul":
        parts = {"name": [surname, given], "given": [given],
                 "partial": [surname, given[0]]}[form]
        if draw(st.booleans()):
            parts = [SOUND_LAW.get(p[0], p[0]) + p[1:] for p in parts]
        text = "".join(parts)
        if len(text) > 1 and draw(st.booleans()):
            cut = draw(st.integers(1, len(text) - 1))
            text = text[:cut] + draw(st.sampled_from(SEPARATORS)) + text[cut:]
        if draw(st.booleans()):
            text = unicodedata.normalize("NFD", text)
        return text, f"{form} in Hangul"
    last = draw(latin_syllable(surname, SURNAMES))
    given_parts = [draw(latin_syllable(s, GIVEN)) for s in given]
    joiner = draw(st.sampled_from(["-", " ", "", "-", " ", "."]))
    given_text = joiner.join([given_parts[0], *(p.lower() for p in given_parts[1:])])
    given_text = given_text[:1].upper() + given_text[1:]
    if form == "given":
        text = given_text
    elif form == "partial":
        text = f"{last} {given_parts[0]}"
    elif draw(st.booleans()):
        text = f"{last} {given_text}"
    else:
        text = f"{given_text} {last}"
    case = draw(st.sampled_from(["as is", "upper", "lower"]))
    text = text.upper() if case == "upper" else text.lower() if case == "lower" else text
    if draw(st.integers(0, 4)) == 0:
        text = fullwidth(text)
    if draw(st.integers(0, 3)) == 0 and len(text) > 2:
        cut = draw(st.integers(1, len(text) - 1))
        text = text[:cut] + draw(st.sampled_from(INVISIBLE)) + text[cut:]
    return text, f"{form} in Latin letters"


@st.composite
def placed(draw: st.DrawFn, surname: str, given: str) -> tuple[str, str, str, str]:
    """A fictional sentence with the name written in it: (before, name, after, what)."""
    text, what = draw(written(surname, given))
    if "Hanja" in what and what.startswith("name") and len(text) >= 3 and \
            text.isalpha() and draw(st.booleans()):
        # In a Chinese sentence the characters around a name are read as syllables too, with
        # no space to end a word: only whole names of three syllables or more are told apart
        # there (a given name alone, 哲洙被遣返, or one with a space, is not: docs/security.md).
        before = draw(st.sampled_from(["據報道，", "[虚构] ", "脱北者", ""]))
        after = draw(st.sampled_from(["被遣返。", "说：", "（虚构）", ""]))
    elif "Hangul" in what or "Hanja" in what:
        before = draw(st.sampled_from(["[가상] ", "증언에 따르면 ", "(가상 자료) İstanbul 출신 ",
                                       ""]))
        after = draw(st.sampled_from([" 씨는 회령에서 체포됐다.", "는 보위부에 끌려갔다.",
                                      "가 말했다.", "의 가족은 무사하다.", " 동무", ""]))
    else:
        before = draw(st.sampled_from(["[Fictional] ", "A witness, ", "Fictional report: ",
                                       "İstanbul-born ", ""]))
        after = draw(st.sampled_from([" was held in Chongjin.", ", 45, said.", "'s family",
                                      " (fictional)", ""]))
    return before, text, after, what
