"""Evidence tables (issue 7): the files behind the figures, and which figures each file supports.

A file row never changes its content: replacing a file adds a new version row (`previous_id`) and points the old
one at it (`replaced_by`); deleting records who and when and removes the stored object (the row stays, so the
audit trail keeps meaning something). The object itself lives in the storage adapter under `storage_key`.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime, UniqueConstraint
from sqlmodel import Field

from db.models import TenantColumns, _id, org_key, same_org_fk
from db.personal_data import PersonalData as PD
from db.personal_data import info, tag


class EvidenceFile(TenantColumns, table=True):
    __tablename__ = "evidence_file"
    __table_args__ = (UniqueConstraint("storage_key", name="uq_evidence_storage_key"), org_key("evidence_file"),
                      same_org_fk("evidence_file", "previous_id", "evidence_file"),
                      same_org_fk("evidence_file", "replaced_by", "evidence_file"))

    id: uuid.UUID = _id()
    sha256: str = Field(max_length=64, index=True, sa_column_kwargs=tag(PD.NONE))
    media_type: str = Field(max_length=100, sa_column_kwargs=tag(PD.NONE))  # decided from the content
    size: int = Field(sa_column=Column(BigInteger, nullable=False, info=info(PD.NONE)))  # bytes
    # The name the uploader gave: shown, never used to build a storage key or a path. A file name can name a
    # person ("张三 invoice.pdf"), hence ACTIVITY (what a person did), like the audit log's contents.
    original_name: str = Field(max_length=255, sa_column_kwargs=tag(PD.ACTIVITY))
    storage_key: str = Field(max_length=200, sa_column_kwargs=tag(PD.NONE))  # "<org id>/<random hex>"
    version_no: int = Field(default=1, sa_column_kwargs=tag(PD.NONE))
    previous_id: uuid.UUID | None = Field(default=None, sa_column_kwargs=tag(PD.NONE))
    replaced_by: uuid.UUID | None = Field(default=None, sa_column_kwargs=tag(PD.NONE))
    uploaded_by: uuid.UUID | None = Field(default=None, foreign_key="app_user.id", sa_column_kwargs=tag(PD.IDENTIFIER))
    uploaded_at: datetime = Field(sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.ACTIVITY))
    deleted_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), sa_column_kwargs=tag(PD.NONE))
    deleted_by: uuid.UUID | None = Field(default=None, foreign_key="app_user.id", sa_column_kwargs=tag(PD.IDENTIFIER))
    deleted_reason: str = Field(default="", max_length=40, sa_column_kwargs=tag(PD.NONE))  # deleted|erasure|…


class EvidenceLink(TenantColumns, table=True):
    """A file supports one figure: a field of a process, source stream, purchased precursor, shipment, or the
    period as a whole. A file links to many figures, a figure to many files."""

    __tablename__ = "evidence_link"
    __table_args__ = (UniqueConstraint("file_id", "entity_type", "entity_id", "field_name", name="uq_evidence_link"),
                      same_org_fk("evidence_link", "file_id", "evidence_file"),
                      same_org_fk("evidence_link", "period_id", "reporting_period"))

    id: uuid.UUID = _id()
    file_id: uuid.UUID = Field(index=True, sa_column_kwargs=tag(PD.NONE))
    period_id: uuid.UUID = Field(index=True, sa_column_kwargs=tag(PD.NONE))
    entity_type: str = Field(max_length=20, sa_column_kwargs=tag(PD.NONE))  # process|source_stream|precursor|…
    entity_id: uuid.UUID = Field(index=True, sa_column_kwargs=tag(PD.NONE))
    field_name: str = Field(max_length=60, sa_column_kwargs=tag(PD.NONE))


EVIDENCE_TABLES = ("evidence_file", "evidence_link")
