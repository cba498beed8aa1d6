//! The first row of an uploaded workbook, and nothing more (issue 10, defect 1: the upload
//! request must not parse more than it needs to recognise the template).
//!
//! calamine, which reads the rows later in the background, loads the whole shared-string table
//! when it opens a workbook — 31 MB of XML for an honest 100 000-row file. To recognise the
//! template the upload only needs the header's dozen texts: this reader finds the data sheet
//! through `xl/workbook.xml` and its relationships, streams the sheet's XML up to the end of its
//! first row, and then streams the shared-string table only up to the highest index that row
//! uses (the header's strings come first in files written by Excel, WPS and our template, so
//! that is a few hundred bytes). Written by hand over quick-xml (calamine's own XML parser)
//! because calamine offers no way to open a workbook without its shared strings.
//!
//! Each part read is bounded: the workbook parts to [`MAX_PART`] bytes, the first row to
//! [`MAX_ROW_XML`] bytes of XML and 4 096 columns.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use xueji_shared::import::Cell;

/// The largest `workbook.xml` or relationships part read (they list sheets, not data).
const MAX_PART: u64 = 4 << 20;
/// XML bytes of the sheet read before its first row must have ended.
const MAX_ROW_XML: u64 = 4 << 20;
const MAX_COLUMNS: usize = 4096;

const BROKEN: &str = "文件不是有效的 Excel 工作簿（.xlsx），无法打开";
const BROKEN_SHEET: &str = "工作表内容损坏，无法读取";

type Zip<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// The texts of the data sheet's first row by column (empty where a column is blank), or
/// `None` when the sheet's first row is not row 1 (the header is missing). `sheet` is the data
/// sheet's name; when absent, the first sheet is read.
pub fn first_row(bytes: &[u8], sheet: &str) -> Result<Option<Vec<String>>, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| BROKEN.to_owned())?;
    let path = sheet_path(&mut zip, sheet)?;
    let (row, shared) = {
        let entry = zip.by_name(&path).map_err(|_| BROKEN.to_owned())?;
        read_first_row(entry.take(MAX_ROW_XML))?
    };
    let Some(mut row) = row else {
        return Ok(None);
    };
    if let Some(&max) = shared.keys().next_back() {
        let strings = match zip.by_name("xl/sharedStrings.xml") {
            Ok(entry) => shared_strings(entry, max)?,
            Err(_) => return Err(BROKEN.to_owned()),
        };
        for (index, columns) in shared {
            let text = strings
                .get(usize::try_from(index).unwrap_or(usize::MAX))
                .ok_or_else(|| BROKEN_SHEET.to_owned())?;
            for c in columns {
                if let Some(cell) = row.get_mut(c) {
                    *cell = Cell::Text(text.clone()).text();
                }
            }
        }
    }
    Ok(Some(row))
}

fn part(zip: &mut Zip<'_>, name: &str) -> Result<String, String> {
    let entry = zip.by_name(name).map_err(|_| BROKEN.to_owned())?;
    let mut s = String::new();
    entry
        .take(MAX_PART)
        .read_to_string(&mut s)
        .map_err(|_| BROKEN.to_owned())?;
    Ok(s)
}

fn attr<'a>(e: &'a BytesStart<'_>, name: &str) -> Option<Cow<'a, str>> {
    e.try_get_attribute(name).ok().flatten().map(|a| a.value)
}

/// The archive path of the sheet named `sheet` (or of the first sheet).
fn sheet_path(zip: &mut Zip<'_>, sheet: &str) -> Result<String, String> {
    let workbook = part(zip, "xl/workbook.xml")?;
    let mut reader = Reader::from_str(&workbook);
    let mut sheets: Vec<(String, String)> = Vec::new();
    loop {
        match reader.read_event().map_err(|_| BROKEN.to_owned())? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "sheet" => {
                if let (Some(name), Some(id)) = (attr(&e, "name"), attr(&e, "r:id")) {
                    sheets.push((name.into_owned(), id.into_owned()));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let (_, id) = sheets
        .iter()
        .find(|(n, _)| n == sheet)
        .or_else(|| sheets.first())
        .ok_or_else(|| "工作簿中没有工作表".to_owned())?;
    let rels = part(zip, "xl/_rels/workbook.xml.rels")?;
    let mut reader = Reader::from_str(&rels);
    loop {
        match reader.read_event().map_err(|_| BROKEN.to_owned())? {
            Event::Start(e) | Event::Empty(e)
                if e.local_name().as_ref() == "Relationship"
                    && attr(&e, "Id").as_deref() == Some(id.as_str()) =>
            {
                let target = attr(&e, "Target").ok_or_else(|| BROKEN.to_owned())?;
                return Ok(match target.strip_prefix('/') {
                    Some(absolute) => absolute.to_owned(),
                    None => format!("xl/{target}"),
                });
            }
            Event::Eof => return Err(BROKEN.to_owned()),
            _ => {}
        }
    }
}

/// `A` → 0, `Z` → 25, `AA` → 26 … from a cell reference such as `AB1`.
fn column_of(reference: &str) -> Option<usize> {
    let mut col = 0usize;
    let mut letters = 0;
    for b in reference.bytes().take_while(u8::is_ascii_alphabetic) {
        col = col.checked_mul(26)? + usize::from(b.to_ascii_uppercase() - b'A') + 1;
        letters += 1;
    }
    (letters > 0).then(|| col - 1)
}

/// Text inside the current element up to its end tag, entities resolved.
fn text_until_end<R: std::io::BufRead>(
    reader: &mut Reader<R>,
    buf: &mut Vec<u8>,
    out: &mut String,
) -> Result<(), String> {
    let mut depth = 0usize;
    loop {
        buf.clear();
        match reader
            .read_event_into(buf)
            .map_err(|_| BROKEN_SHEET.to_owned())?
        {
            Event::Text(t) => out.push_str(&t.xml10_content()),
            Event::CData(t) => out.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                if let Some(s) = quick_xml::escape::resolve_xml_entity(&r) {
                    out.push_str(s);
                } else if let Ok(Some(c)) = r.resolve_char_ref() {
                    out.push(c);
                } else {
                    return Err(BROKEN_SHEET.to_owned());
                }
            }
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => return Ok(()),
            Event::End(_) => depth -= 1,
            Event::Eof => return Err(BROKEN_SHEET.to_owned()),
            _ => {}
        }
    }
}

/// The sheet's first row: its texts by column, and for cells that hold a shared string the
/// string's index → the columns that use it. `None` when the first row is not row 1.
#[allow(clippy::type_complexity)]
fn read_first_row(
    sheet: impl Read,
) -> Result<(Option<Vec<String>>, BTreeMap<u64, Vec<usize>>), String> {
    let mut reader = Reader::from_reader(BufReader::new(sheet));
    let mut buf = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut shared: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    let mut in_row = false;
    let mut next_col = 0usize;
    // The current cell: its column and type.
    let mut cell: Option<(usize, String)> = None;
    let set = |row: &mut Vec<String>, col: usize, text: String| {
        if row.len() <= col {
            row.resize(col + 1, String::new());
        }
        row[col] = text;
    };
    loop {
        buf.clear();
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|_| BROKEN_SHEET.to_owned())?;
        match event {
            Event::Start(e) if e.local_name().as_ref() == "row" && !in_row => {
                if attr(&e, "r").is_some_and(|r| r != "1") {
                    return Ok((None, shared));
                }
                in_row = true;
            }
            // An empty first row: a header with nothing in it.
            Event::Empty(e) if e.local_name().as_ref() == "row" && !in_row => {
                if attr(&e, "r").is_some_and(|r| r != "1") {
                    return Ok((None, shared));
                }
                return Ok((Some(row), shared));
            }
            Event::End(e) if e.local_name().as_ref() == "row" => break,
            Event::Start(e) if in_row && e.local_name().as_ref() == "c" => {
                let col = attr(&e, "r")
                    .and_then(|r| column_of(&r))
                    .unwrap_or(next_col);
                if col >= MAX_COLUMNS {
                    return Err(BROKEN_SHEET.to_owned());
                }
                next_col = col + 1;
                cell = Some((col, attr(&e, "t").unwrap_or_default().into_owned()));
            }
            Event::Empty(e) if in_row && e.local_name().as_ref() == "c" => {
                next_col = attr(&e, "r")
                    .and_then(|r| column_of(&r))
                    .unwrap_or(next_col)
                    + 1;
            }
            Event::End(e) if e.local_name().as_ref() == "c" => cell = None,
            Event::Start(e)
                if e.local_name().as_ref() == "v" || e.local_name().as_ref() == "is" =>
            {
                let Some((col, kind)) = cell.clone() else {
                    continue;
                };
                let mut text = String::new();
                text_until_end(&mut reader, &mut Vec::new(), &mut text)?;
                match kind.as_str() {
                    "s" => {
                        let index: u64 =
                            text.trim().parse().map_err(|_| BROKEN_SHEET.to_owned())?;
                        shared.entry(index).or_default().push(col);
                        set(&mut row, col, String::new());
                    }
                    // As the row reader renders them (`Cell::text`).
                    "b" => set(&mut row, col, Cell::Bool(text.trim() == "1").text()),
                    "n" | "" => set(
                        &mut row,
                        col,
                        match text.trim().parse::<f64>() {
                            Ok(n) => Cell::Number(n).text(),
                            Err(_) => Cell::Text(text).text(),
                        },
                    ),
                    _ => set(&mut row, col, Cell::Text(text).text()),
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !in_row {
        return Ok((None, shared));
    }
    Ok((Some(row), shared))
}

/// The shared strings with index 0 ..= `max`, read in order and no further.
fn shared_strings(entry: impl Read, max: u64) -> Result<Vec<String>, String> {
    let mut reader = Reader::from_reader(BufReader::new(entry));
    let mut buf = Vec::new();
    let mut out: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    let mut phonetic = false;
    loop {
        buf.clear();
        match reader
            .read_event_into(&mut buf)
            .map_err(|_| BROKEN_SHEET.to_owned())?
        {
            Event::Start(e) if e.local_name().as_ref() == "si" => current = Some(String::new()),
            Event::Empty(e) if e.local_name().as_ref() == "si" => out.push(String::new()),
            Event::End(e) if e.local_name().as_ref() == "si" => {
                out.push(current.take().unwrap_or_default());
            }
            // 日文注音 (phonetic runs) are not part of the text.
            Event::Start(e) if e.local_name().as_ref() == "rPh" => phonetic = true,
            Event::End(e) if e.local_name().as_ref() == "rPh" => phonetic = false,
            Event::Start(e) if e.local_name().as_ref() == "t" => {
                let mut text = String::new();
                text_until_end(&mut reader, &mut Vec::new(), &mut text)?;
                if let (Some(s), false) = (current.as_mut(), phonetic) {
                    s.push_str(&text);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        if out.len() as u64 > max {
            break;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_from_references() {
        assert_eq!(column_of("A1"), Some(0));
        assert_eq!(column_of("Z9"), Some(25));
        assert_eq!(column_of("AA1"), Some(26));
        assert_eq!(column_of("AB12"), Some(27));
        assert_eq!(column_of("12"), None);
    }

    #[test]
    fn the_first_row_of_the_template_is_its_header() {
        let file = crate::business::registration::xlsx::template().expect("template");
        let row = first_row(&file, xueji_shared::import::DATA_SHEET)
            .expect("read")
            .expect("row 1");
        let columns = xueji_shared::import::columns();
        let names: Vec<&str> = columns.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(row.len(), names.len());
        // Required columns are marked with a leading * in the template.
        for (got, want) in row.iter().zip(&names) {
            assert_eq!(got.trim_start_matches('*'), *want);
        }
    }

    #[test]
    fn shared_strings_stop_at_the_highest_index_needed() {
        let xml = r#"<sst><si><t>姓名</t></si><si><r><t>性</t></r><r><t>别</t></r><rPh><t>せい</t></rPh></si><si><t>A&amp;B&#x41;</t></si><si><t>never</t></si>"#;
        // Truncated after the fourth string: reading up to index 2 never needs the rest.
        let got = shared_strings(Cursor::new(xml.as_bytes()), 2).expect("read");
        assert_eq!(got, ["姓名", "性别", "A&BA"]);
    }
}
