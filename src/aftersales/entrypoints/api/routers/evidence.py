"""Evidence files: uploaded, cited by actions, served to the parties only."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, Response, UploadFile

from aftersales.domain import errors
from aftersales.domain.evidence import MAX_BYTES, MAX_FILES, EvidenceItem
from aftersales.entrypoints.api.deps import TZ, Who, off_loop, system_of
from aftersales.entrypoints.api.idempotency import Reply, write
from aftersales.entrypoints.api.routers.common import API, READ_ERRORS, WRITE_ERRORS, IfMatch, parse_if_match
from aftersales.entrypoints.schemas.responses import EvidenceList, EvidenceOut
from aftersales.services import commands as c
from aftersales.services import queries as q

router = APIRouter(tags=["evidence"])


def _read(file: UploadFile) -> bytes:
    data = file.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise errors.ValidationFailed("the file is larger than 10 MB", "文件超过 10 MB", field="file")
    return data


def _upload(sys: Any, request: Request, response: Response, actor: Any, file: UploadFile, kind: str,
            make: Any) -> Any:
    data = _read(file)

    def render(item: EvidenceItem) -> Reply:
        return Reply(EvidenceOut.from_item(item, sys.pack), 201)

    payload = {"kind": kind, "sha256": hashlib.sha256(data).hexdigest(), "filename": file.filename}
    return write(sys, request, actor, payload, make(data), render, response)


@router.post(f"{API}/evidence", response_model=EvidenceOut, status_code=201, responses=WRITE_ERRORS,
             operation_id="evidence_upload", dependencies=[TZ])
async def evidence_upload(actor: Who, request: Request, response: Response,
                          file: Annotated[UploadFile, File()], kind: Annotated[str, Form()]) -> Any:
    """Upload a file to cite in an action (open, refuse …); it joins the case that cites it."""
    sys = system_of(request)
    def make(data: bytes) -> c.UploadEvidence:
        return c.UploadEvidence(actor=actor, kind=kind, content=data, filename=file.filename)

    return await off_loop(_upload, sys, request, response, actor, file, kind, make)


@router.post(f"{API}/cases/{{case_id}}/evidence", response_model=EvidenceOut | EvidenceList, status_code=201,
             responses=WRITE_ERRORS, operation_id="case_evidence_upload", dependencies=[TZ])
async def case_evidence_upload(
    case_id: str, actor: Who, request: Request, response: Response,
    file: Annotated[list[UploadFile], File(description=f"one file, or up to {MAX_FILES} under the same name")],
    kind: Annotated[str, Form()], if_match: IfMatch = None,
) -> Any:
    """Add evidence to a case: one file answers its record; several (at most nine, each at most
    10 MB) are kept all or none and answer the list of their records."""
    sys = system_of(request)
    expected = parse_if_match(if_match)
    if len(file) > MAX_FILES:  # refused before a byte of them is read
        raise errors.BadFile(f"at most {MAX_FILES} files at once, not {len(file)}",
                             f"每次最多上传 {MAX_FILES} 个文件", reason="too_many_files", field="file")

    def run() -> Any:
        contents = [_read(f) for f in file]
        command = c.AttachFiles(actor=actor, case_id=case_id, expected_version=expected, files=tuple(
            c.NewFile(kind=kind, content=data, filename=f.filename) for f, data in zip(file, contents, strict=True)))

        def render(items: list[EvidenceItem]) -> Reply:
            out = [EvidenceOut.from_item(i, sys.pack) for i in items]
            body = out[0] if len(out) == 1 else EvidenceList(data=out, has_more=False, next_cursor=None)
            return Reply(body, 201)

        payload = {"kind": kind, "sha256": [hashlib.sha256(d).hexdigest() for d in contents],
                   "filenames": [f.filename for f in file]}
        return write(sys, request, actor, payload, command, render, response)

    return await off_loop(run)


@router.get(f"{API}/cases/{{case_id}}/evidence", response_model=EvidenceList, responses=READ_ERRORS,
            operation_id="case_evidence_list", dependencies=[TZ])
async def case_evidence_list(case_id: str, actor: Who, request: Request) -> EvidenceList:
    sys = system_of(request)
    items = await off_loop(sys.dispatch, q.CaseEvidence(actor=actor, case_id=case_id))
    return EvidenceList(data=[EvidenceOut.from_item(e, sys.pack) for e in items], has_more=False, next_cursor=None)


@router.get(f"{API}/evidence/{{evidence_id}}/content", responses={200: {"content": {"*/*": {}}}, **READ_ERRORS},
            operation_id="evidence_content")
async def evidence_content(evidence_id: str, actor: Who, request: Request) -> Response:
    sys = system_of(request)
    item, data = await off_loop(sys.dispatch, q.EvidenceContent(actor=actor, evidence_id=evidence_id))
    return Response(data, media_type=item.content_type, headers={
        "Content-Disposition": "attachment", "ETag": f'"{item.sha256}"'})


@router.get(f"{API}/evidence/{{evidence_id}}/thumbnail", responses={200: {"content": {"image/jpeg": {}}},
                                                                    **READ_ERRORS},
            operation_id="evidence_thumbnail")
async def evidence_thumbnail(evidence_id: str, actor: Who, request: Request) -> Response:
    """A small JPEG of an image (at most 320 × 320), for lists; 404 for a file that is not an image."""
    sys = system_of(request)
    item, data = await off_loop(sys.dispatch, q.EvidenceContent(actor=actor, evidence_id=evidence_id, thumbnail=True))
    return Response(data, media_type="image/jpeg", headers={"ETag": f'"{item.thumb_sha256}"',
                                                             "Cache-Control": "private, max-age=86400"})
