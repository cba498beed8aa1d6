//! Zip-bomb workbooks for the upload bounds (issue 10, defect 1): the real template with its
//! shared-string table replaced by a highly compressible one. The deflate stream is built from
//! independently compressed blocks (a full flush resets the dictionary), so one compressed
//! unit repeated N times decodes to N copies of its text: building a 1 GB bomb costs
//! milliseconds. The CRC of the bomb entry is not computed (a reader refuses it long before it
//! would check one).

#![allow(dead_code)]

use std::io::Read;

use flate2::{Compress, Compression, FlushCompress};

fn deflate_part(data: &[u8], flush: FlushCompress) -> Vec<u8> {
    // A fresh compressor per part: no part refers back to another, so parts concatenate.
    let mut c = Compress::new(Compression::best(), false);
    let mut out = Vec::with_capacity(data.len() + 1024);
    loop {
        let done = c.total_in() as usize;
        c.compress_vec(&data[done..], &mut out, flush)
            .expect("deflate");
        if c.total_in() as usize == data.len() && out.len() < out.capacity() {
            return out;
        }
        out.reserve(64 * 1024);
    }
}

/// A raw deflate stream of `prefix`, `unit` × `times`, `suffix`; and its uncompressed size.
fn repeated(prefix: &[u8], unit: &[u8], times: u64, suffix: &[u8]) -> (Vec<u8>, u64) {
    let mut out = deflate_part(prefix, FlushCompress::Full);
    let u = deflate_part(unit, FlushCompress::Full);
    for _ in 0..times {
        out.extend_from_slice(&u);
    }
    out.extend(deflate_part(suffix, FlushCompress::Finish));
    let size = prefix.len() as u64 + unit.len() as u64 * times + suffix.len() as u64;
    (out, size)
}

struct Entry {
    name: String,
    method: u16,
    crc: u32,
    data: Vec<u8>,
    size: u32,
}

fn write_zip(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let name = e.name.as_bytes();
        let mut local = Vec::new();
        local.extend(0x0403_4b50u32.to_le_bytes());
        local.extend(20u16.to_le_bytes());
        local.extend(0u16.to_le_bytes());
        local.extend(e.method.to_le_bytes());
        local.extend(0u16.to_le_bytes());
        local.extend(0x21u16.to_le_bytes());
        local.extend(e.crc.to_le_bytes());
        local.extend((e.data.len() as u32).to_le_bytes());
        local.extend(e.size.to_le_bytes());
        local.extend((name.len() as u16).to_le_bytes());
        local.extend(0u16.to_le_bytes());
        local.extend(name);
        out.extend(local);
        out.extend(&e.data);
        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend(20u16.to_le_bytes());
        central.extend(20u16.to_le_bytes());
        central.extend(0u16.to_le_bytes());
        central.extend(e.method.to_le_bytes());
        central.extend(0u16.to_le_bytes());
        central.extend(0x21u16.to_le_bytes());
        central.extend(e.crc.to_le_bytes());
        central.extend((e.data.len() as u32).to_le_bytes());
        central.extend(e.size.to_le_bytes());
        central.extend((name.len() as u16).to_le_bytes());
        central.extend([0u8; 12]);
        central.extend(offset.to_le_bytes());
        central.extend(name);
    }
    let cd_offset = out.len() as u32;
    let cd_size = central.len() as u32;
    out.extend(central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend(cd_size.to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// The template's entries (stored) with `xl/sharedStrings.xml` replaced by the given deflate
/// stream; `declared` overrides its uncompressed size in the headers (a lying archive).
fn with_shared_strings(stream: Vec<u8>, size: u64, declared: Option<u32>) -> Vec<u8> {
    with_shared_strings_crc(stream, size, declared, 0)
}

fn with_shared_strings_crc(stream: Vec<u8>, size: u64, declared: Option<u32>, crc: u32) -> Vec<u8> {
    let template = xueji_backend::business::registration::xlsx::template().expect("template");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(template)).expect("zip");
    let mut entries = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        let name = f.name().expect("name").into_owned();
        if name == "xl/sharedStrings.xml" {
            continue;
        }
        let mut data = Vec::new();
        f.read_to_end(&mut data).expect("read");
        let mut crc = flate2::Crc::new();
        crc.update(&data);
        entries.push(Entry {
            name,
            method: 0,
            crc: crc.sum(),
            size: data.len() as u32,
            data,
        });
    }
    entries.push(Entry {
        name: "xl/sharedStrings.xml".into(),
        method: 8,
        crc,
        size: declared.unwrap_or(u32::try_from(size).unwrap_or(u32::MAX)),
        data: stream,
    });
    write_zip(&entries)
}

const SST_HEAD: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;

/// A shared-string table of `entries` tiny strings (60 million make a ~1 GB table).
pub fn many_strings(entries: u64, declared: Option<u32>) -> Vec<u8> {
    let one = b"<si><t>a</t></si>";
    let per_unit = 4096u64;
    let unit: Vec<u8> = one.repeat(per_unit as usize);
    let (stream, size) = repeated(SST_HEAD, &unit, entries / per_unit, b"</sst>");
    with_shared_strings(stream, size, declared)
}

/// A shared-string table of one string of `bytes` characters.
pub fn one_long_string(bytes: u64, declared: Option<u32>) -> Vec<u8> {
    let unit = vec![b'a'; 1 << 16];
    let mut head = SST_HEAD.to_vec();
    head.extend_from_slice(b"<si><t>");
    let (stream, size) = repeated(&head, &unit, bytes >> 16, b"</t></si></sst>");
    with_shared_strings(stream, size, declared)
}

/// An honestly compressed table of `n` distinct short strings (compression ratio about 5),
/// with its real checksum.
pub fn distinct_strings(n: u64) -> Vec<u8> {
    let mut xml = SST_HEAD.to_vec();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        xml.extend_from_slice(format!("<si><t>{}</t></si>", x % 100_000_000).as_bytes());
    }
    xml.extend_from_slice(b"</sst>");
    let size = xml.len() as u64;
    let mut crc = flate2::Crc::new();
    crc.update(&xml);
    let stream = deflate_part(&xml, FlushCompress::Finish);
    with_shared_strings_crc(stream, size, None, crc.sum())
}
