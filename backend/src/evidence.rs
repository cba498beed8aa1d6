//! Evidence files (佐证材料): stored content-addressed under `<data dir>/evidence/ab/cdef…`
//! (SHA-256 of the bytes), so the same file uploaded twice is stored once and a stored file can
//! never change under its name. Only PDF, JPEG and PNG are accepted, recognised by their
//! content (magic bytes, then decoded or structurally checked — [`crate::evidence_check`]),
//! never by the file name; at most [`MAX_BYTES`].

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};

/// Largest evidence file accepted: 10 MiB.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// The accepted kinds, by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Jpeg,
    Png,
}

impl Kind {
    pub fn mime(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
        }
    }

    /// Recognise a file by its first bytes.
    pub fn sniff(bytes: &[u8]) -> Option<Kind> {
        if bytes.starts_with(b"%PDF-") {
            Some(Kind::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Kind::Jpeg)
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(Kind::Png)
        } else {
            None
        }
    }
}

/// A stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub sha256: String,
    pub size: usize,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub struct EvidenceStore {
    root: PathBuf,
}

impl EvidenceStore {
    pub fn new(root: PathBuf) -> Self {
        EvidenceStore { root }
    }

    /// Where the file of this hash lives: `ab/cdef…` under the root (anything that is not a
    /// hash of at least three characters goes under `_/`).
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        match (sha256.get(..2), sha256.get(2..)) {
            (Some(a), Some(b)) if !b.is_empty() => self.root.join(a).join(b),
            _ => self.root.join("_").join(sha256),
        }
    }

    /// Check and store `bytes`; the field name is used in the Chinese error.
    pub async fn put(&self, field: &str, bytes: &[u8]) -> AppResult<Stored> {
        if bytes.is_empty() {
            return Err(AppError::field(field, "文件为空"));
        }
        if bytes.len() > MAX_BYTES {
            return Err(AppError::field(
                field,
                format!("文件不能超过 {} MB", MAX_BYTES / 1024 / 1024),
            ));
        }
        let kind = Kind::sniff(bytes).ok_or_else(|| {
            AppError::field(field, "只接受 PDF、JPG、PNG 格式的文件（按文件内容判断）")
        })?;
        // Not only the magic bytes: the whole file must be one of its kind, without HTML.
        let copy = bytes.to_vec();
        tokio::task::spawn_blocking(move || crate::evidence_check::verify(kind, &copy))
            .await
            .map_err(AppError::internal)?
            .map_err(|reason| AppError::field(field, reason))?;
        let sha256 = self.put_raw(bytes).await?;
        Ok(Stored {
            sha256,
            size: bytes.len(),
            kind,
        })
    }

    /// Store `bytes` as they are (the caller has checked them); returns their SHA-256.
    pub async fn put_raw(&self, bytes: &[u8]) -> AppResult<String> {
        let sha256 = hex::encode(Sha256::digest(bytes));
        let path = self.path_of(&sha256);
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(sha256);
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(AppError::internal)?;
        // Write to a temporary name and rename: readers never see a half-written file.
        let tmp = dir.join(format!(".{}.{}", &sha256[2..], std::process::id()));
        tokio::fs::write(&tmp, bytes)
            .await
            .map_err(AppError::internal)?;
        tokio::fs::rename(&tmp, &path)
            .await
            .map_err(AppError::internal)?;
        Ok(sha256)
    }

    /// Whether a file with this SHA-256 is stored.
    pub async fn exists(&self, sha256: &str) -> AppResult<bool> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(false);
        }
        tokio::fs::try_exists(self.path_of(sha256))
            .await
            .map_err(AppError::internal)
    }

    /// The bytes of a stored file, if present.
    pub async fn get(&self, sha256: &str) -> AppResult<Option<Vec<u8>>> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        match tokio::fs::read(self.path_of(sha256)).await {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(AppError::internal(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_recognised_by_content() {
        assert_eq!(Kind::sniff(b"%PDF-1.7\n..."), Some(Kind::Pdf));
        assert_eq!(
            Kind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]),
            Some(Kind::Jpeg)
        );
        assert_eq!(
            Kind::sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]),
            Some(Kind::Png)
        );
        assert_eq!(Kind::sniff(b"MZ\x90\x00"), None, "a Windows executable");
        assert_eq!(Kind::sniff(b"<html>%PDF-"), None);
    }

    #[tokio::test]
    async fn stored_once_by_content_and_checked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = EvidenceStore::new(dir.path().join("evidence"));
        let pdf = crate::evidence_check::tests::minimal_pdf();
        let a = store.put("file", &pdf).await.expect("put");
        // Magic bytes alone are not a PDF.
        assert!(store.put("file", b"%PDF-1.4\nhello").await.is_err());
        let b = store.put("file", &pdf).await.expect("put again");
        assert_eq!(a, b);
        assert_eq!(a.kind, Kind::Pdf);
        assert_eq!(store.get(&a.sha256).await.expect("get"), Some(pdf));
        assert_eq!(store.get("../etc/passwd").await.expect("get"), None);
        let exe = store.put("file", b"MZ\x90\x00 not a pdf").await;
        assert!(matches!(exe, Err(AppError::Validation(ref f)) if f[0].field == "file"));
        let big = vec![b'%'; MAX_BYTES + 1];
        assert!(store.put("file", &big).await.is_err());
        assert!(store.put("file", b"").await.is_err());
    }
}
