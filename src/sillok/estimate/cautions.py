"""The reasons to read an estimate with care, found in the table and in the fit.

Thresholds are rules of thumb from the MSE literature (Bird and King 2018, *Annu. Rev. Stat.
Appl.*; Lum, Price and Banks 2013, *Am. Stat.*; HRDAG's practice): they say when to look
harder, not when an estimate is wrong.
"""

from __future__ import annotations

from itertools import combinations

from sillok.estimate.overlap import OverlapTable
from sillok.estimate.result import Caution

MIN_PEOPLE = 50  # fewer documented people than this: any estimate is mostly assumption
MIN_OVERLAP = 10  # a pair of lists sharing fewer people than this tells little
RESTATES = 0.9  # this share of a list on another list: it may be copying it
WIDE = 3.0  # upper bound more than three times the lower one
MAX_RHAT = 1.05
MIN_ESS = 100
MAX_PAIRS_NAMED = 6  # a sparse_overlaps caution names this many pairs, the sparsest first


def table_cautions(table: OverlapTable) -> list[Caution]:
    out: list[Caution] = []
    if table.n_lists < 3:
        out.append(Caution(
            "few_lists",
            f"Only {table.n_lists} lists: the estimate assumes they are independent, and "
            "nothing in the data can check that. Three or more lists are needed to model "
            "dependence between them.",
            f"목록이 {table.n_lists}개뿐입니다. 추정치는 목록들이 서로 독립이라고 가정하며, "
            "자료로는 이를 확인할 수 없습니다. "
            "목록 간 의존성을 모형화하려면 3개 이상이 필요합니다."))
    if table.observed < MIN_PEOPLE:
        out.append(Caution(
            "few_people",
            f"Only {table.observed} people are documented: with so few, the estimate rests "
            "mostly on the model's assumptions.",
            f"기록된 사람이 {table.observed}명뿐입니다. 이렇게 적으면 추정치는 대부분 모형의 "
            "가정에 기대게 됩니다."))
    sizes = table.list_sizes()
    sparse: list[tuple[int, str]] = []
    for i, j in combinations(range(table.n_lists), 2):
        a, b = table.lists[i], table.lists[j]
        both = table.overlap(i, j)
        if both < MIN_OVERLAP:
            sparse.append((both, f"{a}–{b} ({both})"))
        for small, big in ((a, b), (b, a)):
            if sizes[small] >= MIN_OVERLAP and both >= RESTATES * sizes[small]:
                out.append(Caution(
                    "dependent_lists",
                    f"{both} of the {sizes[small]} people on {small} are also on {big}: "
                    f"{small} may restate {big} (not an independent list). Merge them or drop "
                    "one before estimating.",
                    f"{small} 목록의 {sizes[small]}명 중 {both}명이 {big} 목록에도 있습니다. "
                    f"{small}이(가) {big}을(를) 옮겨 적은 것일 수 있습니다(독립 목록이 아님). "
                    "추정 전에 합치거나 하나를 빼십시오."))
    if sparse:
        out.append(sparse_caution(sparse))
    return out


def sparse_caution(sparse: list[tuple[int, str]]) -> Caution:
    """Name the sparsest pairs only: with many lists (e.g. one per source origin) every pair
    named would make the caution longer than anyone reads."""
    named = [text for _, text in sorted(sparse, key=lambda p: p[0])[:MAX_PAIRS_NAMED]]
    more = len(sparse) - len(named)
    pairs = ", ".join(named)
    en_more = f" and {more} more pairs" if more else ""
    ko_more = f" 외 {more}쌍" if more else ""
    return Caution(
        "sparse_overlaps",
        f"Lists that share fewer than {MIN_OVERLAP} people: {pairs}{en_more}. Small overlaps "
        "make the estimate unstable and the interval wide.",
        f"공통 인원이 {MIN_OVERLAP}명 미만인 목록 쌍: {pairs}{ko_more}. 겹침이 적으면 추정치가 "
        "불안정하고 구간이 넓어집니다.")


def interval_cautions(lower: float, upper: float) -> list[Caution]:
    if upper == float("inf"):
        return [Caution(
            "unbounded",
            "The interval has no upper bound: the data cannot rule out a much larger number.",
            "구간의 상한이 없습니다. 자료로는 훨씬 큰 수를 배제할 수 없습니다.")]
    if lower > 0 and upper / lower > WIDE:
        return [Caution(
            "wide_interval",
            f"The interval is wide (the upper bound is {upper / lower:.1f} times the lower): "
            "quote the interval, not the single number.",
            f"구간이 넓습니다(상한이 하한의 {upper / lower:.1f}배). 단일 값이 아니라 구간을 "
            "인용하십시오.")]
    return []


def saturated_caution(model: str) -> Caution:
    return Caution(
        "saturated_model",
        f"The chosen model {model} fits every observed cell exactly (no degrees of freedom "
        "left): its estimate rests wholly on the assumption that the highest-order "
        "interaction, which no data can show, is absent.",
        f"선택된 모형 {model}은(는) 관측된 모든 칸에 정확히 맞습니다(자유도 0). 추정치는 "
        "자료로 확인할 수 없는 최고차 상호작용이 없다는 가정에 전적으로 기댑니다.")


def model_uncertainty_caution(estimates: list[tuple[str, float]]) -> Caution:
    listed = ", ".join(f"{m}: {e:,.0f}" for m, e in estimates)
    return Caution(
        "model_uncertainty",
        f"Models that fit about as well give quite different estimates ({listed}): the "
        "choice of model matters more than the interval shows.",
        f"비슷하게 잘 맞는 모형들이 꽤 다른 추정치를 냅니다({listed}). 모형 선택이 구간이 "
        "보여주는 것보다 더 큰 영향을 줍니다.")


def chain_cautions(rhat: float, ess: float, capped: bool) -> list[Caution]:
    out: list[Caution] = []
    if not rhat <= MAX_RHAT:
        out.append(Caution(
            "not_converged",
            f"The sampler's chains disagree (R-hat {rhat:.2f} > {MAX_RHAT}): run it longer "
            "from the command line (sillok estimate … --samples 3000) before using this "
            "estimate.",
            f"표본추출 체인들이 일치하지 않습니다(R-hat {rhat:.2f} > {MAX_RHAT}). 이 추정치를 "
            "쓰기 전에 명령줄에서 더 길게 실행하십시오(sillok estimate … --samples 3000)."))
    if not ess >= MIN_ESS:
        out.append(Caution(
            "few_effective_draws",
            f"Only about {ess:.0f} effective draws: the interval's ends are rough; run it "
            "longer from the command line (--samples).",
            f"유효 표본이 약 {ess:.0f}개뿐입니다. 구간의 끝값이 거칩니다. 명령줄에서 더 길게 "
            "실행하십시오(--samples)."))
    if capped:
        out.append(Caution(
            "at_cap",
            "Draws reached the sampler's cap of 20 times the documented count: the data "
            "barely bound the total.",
            "표본이 기록된 수의 20배 상한에 닿았습니다. 자료가 총수를 거의 제한하지 못합니다."))
    return out


def restated_caution(restating: str, restated: str, sources: int, of: int) -> Caution:
    """A list some of whose sources restate (``based_on``) a source of another list: the two
    are not independent, whatever the overlap table shows."""
    return Caution(
        "restated_list",
        f"{sources} of the {of} sources of {restating} restate a source of {restated} (they "
        f"are based on it): {restating} is not independent of {restated}. Drop the restating "
        "sources, merge the two lists, or choose other lists before estimating.",
        f"{restating} 목록의 출처 {of}건 중 {sources}건이 {restated} 목록의 출처를 옮겨 적은 "
        f"것입니다(근거 출처). {restating}은(는) {restated}와(과) 독립이 아닙니다. 추정 전에 "
        "옮겨 적은 출처를 빼거나, 두 목록을 합치거나, 다른 목록을 고르십시오.")
