"""Evidence files behind the figures: upload (typed by content, size-limited, bomb- and macro-checked,
deduplicated), versions, deletion through one erase path, links to figures, coverage (DQ28), verifier pack."""
from core.evidence.files import (
    FileView,
    UploadResult,
    delete_file,
    download_name,
    download_url,
    erase_object,
    file_history,
    get_file,
    list_files,
    max_bytes,
    read_file,
    replace_file,
    upload_files,
)
from core.evidence.links import (
    ENTITY_TYPES,
    FIELDS,
    Coverage,
    Target,
    evidence_counts,
    link_file,
    link_targets,
    links_of_period,
    period_coverage,
    unlink,
)
from core.evidence.pack import Pack, verifier_pack

__all__ = ["ENTITY_TYPES", "FIELDS", "Coverage", "FileView", "Pack", "Target", "UploadResult", "delete_file",
           "download_name", "download_url", "erase_object", "evidence_counts", "file_history", "get_file", "link_file",
           "link_targets", "links_of_period", "list_files", "max_bytes", "period_coverage", "read_file",
           "replace_file", "unlink", "upload_files", "verifier_pack"]
