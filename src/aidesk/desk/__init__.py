"""The service desk: find the provisions of the AI Act (and the Commission's guidance) that
answer a question, in English or French, offline.

- `aidesk.desk.search.search(query, limit, lang, include_guidance, version)` → `SearchResult`
  (hybrid BM25 + multilingual-e5 retrieval, fused per article/recital/annex; SPEC §5 JSON via
  `SearchResult.to_json()`); `get_index(version)` gives the loaded index itself.
- `aidesk.desk.ask.ask(question, lang, version)` → `Answer`: an extractive, cited answer, with
  optional generation grounded in the retrieved passages (`AIDESK_LLM_URL`).

Modules: `units` (what is indexed), `guidance` (the non-binding collection), `question_bank`
(what people ask that each provision answers), `text` (tokens, language, glossary), `dense`
(embeddings, engine threads), `links` (cross-references), `refs` (direct references),
`metrics` (evaluation).
Heavy work happens on first use, never at import.
"""
