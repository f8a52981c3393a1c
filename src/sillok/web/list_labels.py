"""The words of the staff lists (issue 18 point 8) in English and Korean, kept beside the
routes that use them: ``t("key")`` in the list templates gives the reader's language."""

from __future__ import annotations

from sillok.web.labels import pick

LABELS: dict[str, tuple[str, str]] = {
    "lists": ("Lists", "목록"),
    "sources": ("Sources", "자료"), "events": ("Events", "사건"), "acts": ("Acts", "행위"),
    "persons": ("Persons", "인물"),
    "search_in": ("Search this list", "이 목록에서 검색"),
    "search": ("Search", "검색"), "sort": ("Sort by", "정렬"), "view": ("View", "보기"),
    "table": ("Table", "표"), "cards": ("Cards", "카드"),
    "filters": ("Filters", "필터"), "clear": ("Clear all filters", "필터 모두 해제"),
    "remove_filter": ("Remove this filter", "이 필터 해제"),
    "sort.updated": ("Recently changed", "최근 수정순"), "sort.newest": ("Newest first", "최신순"),
    "sort.oldest": ("Oldest first", "오래된 순"), "sort.title": ("Title", "제목순"),
    "sort.id": ("Number", "번호순"), "sort.relevance": ("Best match", "관련도순"),
    "facet.level": ("Level", "공개 수준"), "facet.kind": ("Kind", "종류"),
    "facet.language": ("Language", "언어"), "facet.year": ("Year", "연도"),
    "facet.act_type": ("Violation", "침해 유형"), "facet.sex": ("Sex", "성별"),
    "facet.assignee": ("Assigned to", "담당자"),
    "nobody": ("Nobody", "없음"),
    "record": ("Record", "기록"), "level": ("Level", "공개 수준"),
    "assigned": ("Assigned to", "담당자"), "changed": ("Changed", "수정일"),
    "date": ("Date", "날짜"), "details": ("Details", "세부"),
    "select": ("Select", "선택"), "select_all": ("Select every row on this page",
                                                "이 쪽의 모든 행 선택"),
    "select_row": ("Select %(label)s", "%(label)s 선택"),
    "selected": ("selected", "개 선택됨"),
    "bulk": ("With the selected rows", "선택한 행에 대해"),
    "action": ("Action", "작업"),
    "action.level": ("Change level", "공개 수준 변경"),
    "action.assign": ("Assign to", "담당자 지정"),
    "action.export_csv": ("Export as CSV", "CSV로 내보내기"),
    "action.export_json": ("Export as JSON", "JSON으로 내보내기"),
    "new_level": ("New level", "새 공개 수준"), "reason": ("Reason", "사유"),
    "reason_hint": ("Kept in each record's history.", "각 기록의 이력에 남습니다."),
    "assignee": ("Staff member", "담당 직원"), "unassign": ("Nobody (remove)", "없음 (해제)"),
    "apply": ("Apply", "적용"),
    "no_rows": ("No records match.", "조건에 맞는 기록이 없습니다."),
    "count": ("%(n)s records", "기록 %(n)s건"), "count_one": ("1 record", "기록 1건"),
    "capped": ("Showing the best %(n)s matches of the search; refine it to see others.",
               "검색 결과 중 가장 잘 맞는 %(n)s건만 보입니다. 검색어를 좁혀 보세요."),
    "pages": ("Pages", "쪽"), "prev": ("Previous", "이전"), "next": ("Next", "다음"),
    "page_of": ("Page %(page)s of %(last)s", "%(last)s쪽 중 %(page)s쪽"),
    "saved": ("Saved searches", "저장한 검색"),
    "save_as": ("Save this search as", "이 검색을 저장할 이름"),
    "save": ("Save", "저장"), "run": ("Run", "실행"), "delete": ("Delete", "삭제"),
    "delete_named": ("Delete saved search %(name)s", "저장한 검색 %(name)s 삭제"),
    "no_saved": ("No saved searches yet.", "저장한 검색이 없습니다."),
    "saved_done": ("Saved as “%(name)s”.", "“%(name)s”(으)로 저장했습니다."),
    "replaced_done": ("“%(name)s” now holds this search.",
                      "“%(name)s”을(를) 이 검색으로 바꿨습니다."),
    "deleted_done": ("Deleted “%(name)s”.", "“%(name)s”을(를) 삭제했습니다."),
    "all_saved": ("All saved searches", "저장한 검색 전체"),
    "report": ("Result of the bulk change", "일괄 변경 결과"),
    "applied": ("Done: %(n)s records changed.", "완료: 기록 %(n)s건을 바꿨습니다."),
    "not_applied": ("Nothing was changed: %(n)s of the selected records cannot take this "
                    "change. Each is listed below with the reason.",
                    "아무것도 바뀌지 않았습니다. 선택한 기록 중 %(n)s건은 이 변경을 할 수 "
                    "없습니다. 아래에 각 사유가 있습니다."),
    "apply_others": ("Apply to the %(n)s others only", "나머지 %(n)s건에만 적용"),
    "back": ("Back to the list", "목록으로 돌아가기"),
    "status.changed": ("changed", "변경됨"), "status.unchanged": ("already so", "이미 그러함"),
    "status.would_change": ("would change", "변경 가능"),
    "status.refused": ("refused", "거부됨"),
    "status": ("Result", "결과"),
    "workspace": ("Workspace", "작업 공간"),
}


def t(key: str, **values: object) -> str:
    """The label ``key`` in the reader's language, with ``%(name)s`` values filled in."""
    text = pick(LABELS.get(key, (key, key)))
    return text % values if values else text
