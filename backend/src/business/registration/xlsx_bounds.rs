//! Bounds on the work an uploaded .xlsx can cause (issue 10, defect 1), checked before
//! calamine opens the workbook: calamine reads the whole shared-string table into memory when
//! it opens a file (and reserves room for the `uniqueCount` the file claims), so a zip bomb
//! there — 60 million `<si>` entries or one 1 GB string in a 2 MB upload — would hold a
//! request for tens of seconds and gigabytes.
//!
//! What is checked, in one pass that stops at the first breach:
//! - the archive: at most [`Bounds::max_entries`] entries; each entry's declared
//!   uncompressed size at most [`Bounds::max_entry_bytes`], and (for entries over
//!   [`Bounds::ratio_after`] bytes) at most [`Bounds::max_ratio`] times its compressed size;
//! - the shared-string table, streamed through a counting reader (declared sizes may lie):
//!   its real uncompressed size and compression ratio as above, the number of strings, the
//!   length of each string and the total length of all of them, and the `count` /
//!   `uniqueCount` it claims.
//!
//! An honest template of [`MAX_ROWS`] fully filled rows (about 31 MB) stays far inside every
//! bound. Cells of the sheet itself are bounded while they are read ([`crate::business::registration::xlsx::read`]).

use std::io::{Cursor, Read};

use xueji_shared::business::registration::import::{columns, MAX_ROWS};

/// Limits of one upload.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub max_entries: usize,
    pub max_entry_bytes: u64,
    /// Compression ratio allowed once an entry is larger than `ratio_after` bytes.
    pub max_ratio: u64,
    pub ratio_after: u64,
    pub max_strings: u64,
    /// Raw XML bytes of one string's text (Excel holds at most 32 767 characters a cell;
    /// an entity such as `&amp;` takes up to 6 bytes for one).
    pub max_string_bytes: u64,
    pub max_total_string_bytes: u64,
}

/// Cells of the data sheet an honest upload may hold: the header and [`MAX_ROWS`] rows of
/// every column, plus room for the code lists of the template's second sheet.
pub fn max_cells() -> u64 {
    (MAX_ROWS as u64 + 1) * columns().len() as u64 + 20_000
}

impl Bounds {
    pub fn upload() -> Self {
        Bounds {
            max_entries: 1_000,
            max_entry_bytes: 1 << 30,
            max_ratio: 100,
            ratio_after: 4 << 20,
            max_strings: max_cells(),
            max_string_bytes: 32_767 * 6,
            max_total_string_bytes: 256 << 20,
        }
    }
}

const BROKEN: &str = "文件不是有效的 Excel 工作簿（.xlsx），无法打开";

fn too_much(what: &str) -> String {
    format!("文件内容超出导入模板的合理范围（{what}），疑似压缩炸弹，已拒绝")
}

/// `Err` with the Chinese reason when the workbook would cause more work than an honest
/// template can.
pub fn check(bytes: &[u8], b: Bounds) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| BROKEN.to_owned())?;
    if zip.len() > b.max_entries {
        return Err(too_much("压缩包内文件过多"));
    }
    let mut shared = Vec::new();
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|_| BROKEN.to_owned())?;
        let (size, packed) = (f.size(), f.compressed_size());
        if size > b.max_entry_bytes {
            return Err(too_much("单个文件解压后过大"));
        }
        if size > b.ratio_after && size / packed.max(1) > b.max_ratio {
            return Err(too_much("压缩比异常"));
        }
        let name = f.name_raw().to_ascii_lowercase();
        if name.ends_with(b"sharedstrings.xml") {
            shared.push(i);
        }
    }
    for i in shared {
        let f = zip.by_index(i).map_err(|_| BROKEN.to_owned())?;
        let packed = f.compressed_size();
        let mut reader = Counted {
            inner: f,
            read: 0,
            packed,
            bounds: b,
            breach: None,
        };
        let result = scan_shared_strings(&mut reader, b);
        if let Some(reason) = reader.breach {
            return Err(reason);
        }
        result?;
    }
    Ok(())
}

/// Counts the bytes read through it and stops (with the reason in `breach`) at the entry size
/// or compression-ratio bound, whatever the archive declares.
struct Counted<R> {
    inner: R,
    read: u64,
    packed: u64,
    bounds: Bounds,
    breach: Option<String>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        let b = self.bounds;
        if self.read > b.max_entry_bytes {
            self.breach = Some(too_much("单个文件解压后过大"));
        } else if self.read > b.ratio_after && self.read / self.packed.max(1) > b.max_ratio {
            self.breach = Some(too_much("压缩比异常"));
        }
        if self.breach.is_some() {
            return Err(std::io::Error::other("bound"));
        }
        Ok(n)
    }
}

/// A byte scanner over the shared-string XML: counts `<si>` elements, the text bytes of each
/// and of all, and reads the `count` / `uniqueCount` the `<sst>` element claims. It holds at
/// most one tag (cut at 4 KB) in memory, never a string.
pub fn scan_shared_strings(r: &mut impl Read, b: Bounds) -> Result<(), String> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut in_tag = false;
    let mut tag: Vec<u8> = Vec::with_capacity(256);
    let mut strings: u64 = 0;
    let mut current: u64 = 0;
    let mut total: u64 = 0;
    let mut in_string = false;
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return Err(BROKEN.to_owned()),
        };
        let mut chunk = &buf[..n];
        while !chunk.is_empty() {
            if in_tag {
                let Some(close) = memchr::memchr(b'>', chunk) else {
                    let room = 4096usize.saturating_sub(tag.len());
                    tag.extend_from_slice(&chunk[..chunk.len().min(room)]);
                    break;
                };
                let room = 4096usize.saturating_sub(tag.len());
                tag.extend_from_slice(&chunk[..close.min(room)]);
                chunk = &chunk[close + 1..];
                in_tag = false;
                match tag_kind(&tag) {
                    Tag::SiStart => {
                        strings += 1;
                        if strings > b.max_strings {
                            return Err(too_much("共享字符串过多"));
                        }
                        current = 0;
                        in_string = !tag.ends_with(b"/");
                    }
                    Tag::SiEnd => in_string = false,
                    Tag::Sst => {
                        for attr in [&b"uniqueCount="[..], b"count="] {
                            if let Some(v) = attr_number(&tag, attr) {
                                if v > b.max_strings {
                                    return Err(too_much("共享字符串过多"));
                                }
                            }
                        }
                    }
                    Tag::Other => {}
                }
                tag.clear();
            } else {
                let open = memchr::memchr(b'<', chunk);
                let text = open.unwrap_or(chunk.len()) as u64;
                if in_string {
                    current += text;
                    total += text;
                    if current > b.max_string_bytes {
                        return Err(too_much("单个字符串过长"));
                    }
                    if total > b.max_total_string_bytes {
                        return Err(too_much("共享字符串总长度过大"));
                    }
                }
                match open {
                    Some(i) => {
                        chunk = &chunk[i + 1..];
                        in_tag = true;
                    }
                    None => break,
                }
            }
        }
    }
    Ok(())
}

enum Tag {
    SiStart,
    SiEnd,
    Sst,
    Other,
}

fn tag_kind(tag: &[u8]) -> Tag {
    let (end, body) = match tag.first() {
        Some(b'/') => (true, &tag[1..]),
        _ => (false, tag),
    };
    let name_len = body
        .iter()
        .position(|c| c.is_ascii_whitespace() || *c == b'/')
        .unwrap_or(body.len());
    let name = &body[..name_len];
    let local = match name.iter().rposition(|c| *c == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    };
    match (local, end) {
        (b"si", false) => Tag::SiStart,
        (b"si", true) => Tag::SiEnd,
        (b"sst", false) => Tag::Sst,
        _ => Tag::Other,
    }
}

/// The number in `name="123"` (or `'123'`) inside a tag; a huge number saturates.
fn attr_number(tag: &[u8], name: &[u8]) -> Option<u64> {
    let mut at = 0;
    while let Some(i) = tag[at..].windows(name.len()).position(|w| w == name) {
        let start = at + i;
        at = start + name.len();
        // Not the tail of another attribute's name (`xcount=`).
        if start > 0 && !tag[start - 1].is_ascii_whitespace() {
            continue;
        }
        let rest = tag.get(at + 1..)?;
        let digits = rest.iter().take_while(|c| c.is_ascii_digit());
        let mut v: u64 = 0;
        let mut any = false;
        for d in digits {
            any = true;
            v = v.saturating_mul(10).saturating_add(u64::from(d - b'0'));
        }
        return any.then_some(v);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Bounds {
        Bounds {
            max_strings: 3,
            max_string_bytes: 10,
            max_total_string_bytes: 25,
            ..Bounds::upload()
        }
    }

    fn scan(xml: &str) -> Result<(), String> {
        scan_shared_strings(&mut xml.as_bytes(), small())
    }

    #[test]
    fn shared_strings_are_counted_and_measured() {
        assert!(scan(r#"<sst count="3" uniqueCount="3"><si><t>ab</t></si><si><t/></si><x:si><x:t>c</x:t></x:si></sst>"#).is_ok());
        let e = scan("<sst><si/><si/><si/><si/></sst>").unwrap_err();
        assert!(e.contains("共享字符串过多"), "{e}");
        let e = scan("<sst><si><t>12345678901</t></si></sst>").unwrap_err();
        assert!(e.contains("单个字符串过长"), "{e}");
        let e = scan("<sst><si><t>123456789</t></si><si><t>123456789</t></si><si><r><t>123456789</t></r></si></sst>")
            .unwrap_err();
        assert!(e.contains("总长度"), "{e}");
        let e = scan(r#"<sst xmlns="x" uniqueCount="4000000000"></sst>"#).unwrap_err();
        assert!(e.contains("共享字符串过多"), "{e}");
        let e = scan(r#"<sst count='99999999999999999999999'></sst>"#).unwrap_err();
        assert!(e.contains("共享字符串过多"), "{e}");
    }

    #[test]
    fn the_template_and_a_filled_file_pass() {
        let t = crate::business::registration::xlsx::template().expect("template");
        assert!(check(&t, Bounds::upload()).is_ok());
        let mut row = vec![String::new(); columns().len()];
        row[0] = "张三".into();
        let f = crate::business::registration::xlsx::filled(&[row.clone(), row]).expect("filled");
        assert!(check(&f, Bounds::upload()).is_ok());
        assert!(check(b"PK\x03\x04 not a zip", Bounds::upload()).is_err());
    }
}
