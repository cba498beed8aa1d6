//! Spreadsheets of bulk registration (批量注册): the import template, reading an uploaded
//! workbook row by row, and the per-row report. The columns and the reading of a row are the
//! shared crate's ([`xueji_shared::import`]); this module only speaks .xlsx.
//!
//! Reading streams the sheet's XML (calamine's cell reader), so a 100 000-row file is never
//! held as a grid of cells: each row becomes a record, is checked and dropped.

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};
use chrono::NaiveDate;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, FormatAlign, FormatBorder, Formula,
    Note, Workbook, XlsxError,
};
use xueji_shared::codes;
use xueji_shared::import::{
    self, columns, Cell, HeaderMap, ImportRowError, Layout, ValueKind, CODES_SHEET, DATA_SHEET,
    MAX_ROWS,
};
use xueji_shared::record::StudentRecord;

/// Largest upload accepted: 50 MiB (100 000 fully filled rows take about 31 MB).
pub const MAX_BYTES: usize = 50 * 1024 * 1024;

/// `Content-Type` of .xlsx files.
pub const MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Rows of the data sheet that carry drop-down lists and text formats.
const TEMPLATE_ROWS: u32 = MAX_ROWS as u32 + 1;

fn x(e: XlsxError) -> String {
    format!("生成表格失败：{e}")
}

/// Spreadsheet column name of a 0-based index: 0 → `A`, 26 → `AA`.
pub fn col_name(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// The columns of the 代码说明 sheet: one per list (code tables, 国籍/地区, 年级, 是/否).
fn code_lists() -> Vec<(String, Vec<String>)> {
    let mut lists: Vec<(String, Vec<String>)> = codes::TABLES
        .iter()
        .map(|t| {
            (
                t.name.to_owned(),
                t.entries.iter().map(|(c, l)| format!("{c} {l}")).collect(),
            )
        })
        .collect();
    for c in columns() {
        let name = match c.kind {
            ValueKind::Country => "国籍/地区",
            ValueKind::Grade => "年级",
            ValueKind::Bool => "是/否",
            _ => continue,
        };
        if !lists.iter().any(|(n, _)| n == name) {
            lists.push((name.to_owned(), c.choices().unwrap_or_default()));
        }
    }
    lists
}

fn list_name(kind: ValueKind) -> Option<&'static str> {
    match kind {
        ValueKind::Code(t) => Some(t.name),
        ValueKind::Country => Some("国籍/地区"),
        ValueKind::Grade => Some("年级"),
        ValueKind::Bool => Some("是/否"),
        _ => None,
    }
}

/// The import template: the 学生信息 sheet (one header row; a note on every header cell says
/// how to fill it; drop-down lists on code columns; text format on the others so that ID
/// numbers and phones keep their digits) and the 代码说明 sheet with every code table.
pub fn template() -> Result<Vec<u8>, String> {
    let mut wb = Workbook::new();
    let lists = code_lists();
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center);
    let required = header.clone().set_font_color(Color::RGB(0xC00000));
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    {
        let ws = wb.add_worksheet();
        ws.set_name(DATA_SHEET).map_err(x)?;
        for (i, c) in columns().iter().enumerate() {
            let col = u16::try_from(i).map_err(x_any)?;
            let f = if c.required { &required } else { &header };
            ws.write_string_with_format(0, col, c.header(), f)
                .map_err(x)?;
            let width = (c.label.chars().count() as f64 * 2.2 + 2.0).max(10.0);
            ws.set_column_width(col, width).map_err(x)?;
            let mut note = format!("{}：{}", c.label, c.hint);
            if let Some(choices) = c.choices().filter(|v| v.len() <= 12) {
                note.push_str(&format!("\n可选：{}", choices.join("、")));
            }
            ws.insert_note(
                0,
                col,
                &Note::new(note)
                    .add_author_prefix(false)
                    .set_width(260)
                    .set_height(120),
            )
            .map_err(x)?;
            match c.kind {
                ValueKind::Date => {
                    ws.set_column_format(col, &date).map_err(x)?;
                }
                ValueKind::Number => {}
                _ => {
                    ws.set_column_format(col, &text).map_err(x)?;
                }
            }
            if let Some(name) = list_name(c.kind) {
                let Some(j) = lists.iter().position(|(n, _)| n == name) else {
                    continue;
                };
                let n = lists[j].1.len() + 1;
                let letter = col_name(j);
                let dv = DataValidation::new()
                    .allow_list_formula(Formula::new(format!(
                        "='{CODES_SHEET}'!${letter}$2:${letter}${n}"
                    )))
                    .set_error_style(DataValidationErrorStyle::Warning)
                    .set_error_title(format!("{}不在代码表中", c.label))
                    .map_err(x)?
                    .set_error_message("请从下拉列表中选择，或填写“代码说明”表中的代码")
                    .map_err(x)?;
                ws.add_data_validation(1, col, TEMPLATE_ROWS, col, &dv)
                    .map_err(x)?;
            }
        }
        ws.set_freeze_panes(1, 0).map_err(x)?;
        ws.set_row_height(0, 24).map_err(x)?;
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name(CODES_SHEET).map_err(x)?;
        for (j, (name, entries)) in lists.iter().enumerate() {
            let col = u16::try_from(j).map_err(x_any)?;
            ws.write_string_with_format(0, col, name, &header)
                .map_err(x)?;
            ws.set_column_width(col, 22).map_err(x)?;
            for (k, e) in entries.iter().enumerate() {
                let row = u32::try_from(k + 1).map_err(x_any)?;
                ws.write_string_with_format(row, col, e, &text).map_err(x)?;
            }
        }
        ws.set_freeze_panes(1, 0).map_err(x)?;
    }
    wb.save_to_buffer().map_err(x)
}

fn x_any(e: impl std::fmt::Display) -> String {
    format!("生成表格失败：{e}")
}

/// A template filled with these rows (cell texts in [`columns()`] order, as
/// [`import::record_cells`] gives them). For tests, samples and benchmarks.
pub fn filled(rows: &[Vec<String>]) -> Result<Vec<u8>, String> {
    filled_in(Layout::Xueji, rows)
}

/// Records as a workbook in either layout (xueji's template, or the national system's import
/// template, [`import::record_cells_in`]): a school's roll, a search result, a list — it can be
/// uploaded again as a bulk registration, here or in the national system.
pub fn export(layout: Layout, records: &[StudentRecord]) -> Result<Vec<u8>, String> {
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|r| import::record_cells_in(layout, r))
        .collect();
    filled_in(layout, &rows)
}

/// A sheet with a layout's header row and these rows (cell texts in
/// [`import::columns_of`]`(layout)` order). Every cell is written as text, so codes keep
/// their leading zeros.
pub fn filled_in(layout: Layout, rows: &[Vec<String>]) -> Result<Vec<u8>, String> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(DATA_SHEET).map_err(x)?;
    for (i, h) in import::header_cells(layout).iter().enumerate() {
        ws.write_string(0, u16::try_from(i).map_err(x_any)?, h)
            .map_err(x)?;
    }
    for (r, cells) in rows.iter().enumerate() {
        let row = u32::try_from(r + 1).map_err(x_any)?;
        for (i, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(row, u16::try_from(i).map_err(x_any)?, v)
                    .map_err(x)?;
            }
        }
    }
    wb.save_to_buffer().map_err(x)
}

/// Why an upload is not an .xlsx workbook, by its content: a zip archive that calamine opens.
pub fn sniff(bytes: &[u8]) -> Result<(), String> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err("只接受 Excel 工作簿（.xlsx）文件（按文件内容判断）".into());
    }
    open(bytes).map(|_| ())
}

/// What an upload needs to be recognised, and nothing more: an .xlsx by its content, inside
/// the bounds of an honest template ([`crate::business::registration::xlsx_bounds`]), whose first row is the
/// template's header. The rows are read later, in the background.
pub fn recognise(bytes: &[u8]) -> Result<HeaderMap, String> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err("只接受 Excel 工作簿（.xlsx）文件（按文件内容判断）".into());
    }
    crate::business::registration::xlsx_bounds::check(
        bytes,
        crate::business::registration::xlsx_bounds::Bounds::upload(),
    )?;
    // The first row only: not calamine, which would load every shared string.
    match crate::business::registration::xlsx_header::first_row(bytes, DATA_SHEET)? {
        Some(header) => import::match_header(&header),
        None => Err(import::match_header(&[]).err().unwrap_or_default()),
    }
}

fn open(bytes: &[u8]) -> Result<Xlsx<Cursor<&[u8]>>, String> {
    // Before calamine, which loads the whole shared-string table when it opens a file.
    crate::business::registration::xlsx_bounds::check(
        bytes,
        crate::business::registration::xlsx_bounds::Bounds::upload(),
    )?;
    Xlsx::new(Cursor::new(bytes))
        .map_err(|_| "文件不是有效的 Excel 工作簿（.xlsx），无法打开".to_owned())
}

/// The sheet to read: 学生信息 when present, else the first.
fn sheet_name(wb: &Xlsx<Cursor<&[u8]>>) -> Result<String, String> {
    let names = wb.sheet_names();
    names
        .iter()
        .find(|n| n.as_str() == DATA_SHEET)
        .or_else(|| names.first())
        .cloned()
        .ok_or_else(|| "工作簿中没有工作表".to_owned())
}

fn cell_of(v: &DataRef<'_>) -> Cell {
    match v {
        DataRef::Empty => Cell::Empty,
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_owned()),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(d) if d.is_datetime() => match d.as_datetime() {
            Some(t) => Cell::Date(t.date()),
            None => Cell::Number(d.as_f64()),
        },
        DataRef::DateTime(d) => Cell::Number(d.as_f64()),
        DataRef::DateTimeIso(s) => s
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map_or_else(|| Cell::Text(s.clone()), Cell::Date),
        DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(e) => Cell::Text(format!("#{e}")),
    }
}

/// What [`read`] calls for each data row, and how it reports progress.
pub trait RowSink {
    /// The estimated number of data rows (from the sheet's dimension), before the first row.
    fn total(&mut self, _rows: u32) {}
    /// One non-blank data row (cells in sheet column order); returning `false` stops reading.
    /// The sink may take the cells (`std::mem::take`) rather than copy them.
    fn row(&mut self, header: &HeaderMap, row: u32, cells: &mut Vec<Cell>) -> bool;
}

/// Reads the header row and then every non-blank data row of the upload, in order.
/// `Err` is the Chinese reason the file cannot be used: not a workbook, not the template, more
/// than [`MAX_ROWS`] rows.
pub fn read(bytes: &[u8], sink: &mut dyn RowSink) -> Result<HeaderMap, String> {
    let mut wb = open(bytes)?;
    let name = sheet_name(&wb)?;
    let mut reader = wb
        .worksheet_cells_reader(&name)
        .map_err(|_| "无法读取工作表“学生信息”".to_owned())?;
    let dims = reader.dimensions();
    let mut header: Option<HeaderMap> = None;
    let mut header_cells: Vec<String> = Vec::new();
    let mut cells: Vec<Cell> = Vec::new();
    let mut current: Option<u32> = None;
    let mut rows = 0usize;
    // Every cell the sheet holds, blank rows and far columns included: a sheet of billions of
    // empty cells must not keep a reader busy.
    let mut seen: u64 = 0;
    let max_cells = 2 * crate::business::registration::xlsx_bounds::max_cells();
    let broken = |_| "工作表内容损坏，无法读取".to_owned();
    loop {
        let next = reader.next_cell().map_err(broken)?;
        seen += 1;
        if seen > max_cells {
            return Err(
                "工作表的单元格数量超出导入模板的合理范围，请只保留学生信息后重新上传".into(),
            );
        }
        let pos = next.as_ref().map(|c| c.get_position());
        // A row ends when the next cell is on another row, or at the end.
        if current.is_some() && pos.map(|p| p.0) != current {
            let r = current.unwrap_or_default();
            if header.is_none() {
                if r != 0 {
                    return Err(import::match_header(&[]).err().unwrap_or_default());
                }
                let map = import::match_header(&header_cells)?;
                sink.total(dims.end.0);
                header = Some(map);
            } else if let Some(h) = header.as_ref().filter(|_| !import::is_blank(&cells)) {
                rows += 1;
                if rows > MAX_ROWS {
                    return Err(format!(
                        "文件的数据行超过上限 {MAX_ROWS} 行，请分成多个文件导入"
                    ));
                }
                if !sink.row(h, r + 1, &mut cells) {
                    break;
                }
            }
            cells.clear();
            cells.reserve(header_cells.len());
        }
        let Some(cell) = next else { break };
        let (r, c) = cell.get_position();
        current = Some(r);
        let c = c as usize;
        if header.is_none() {
            if r == 0 && c <= 4096 {
                if header_cells.len() <= c {
                    header_cells.resize(c + 1, String::new());
                }
                header_cells[c] = cell_of(cell.get_value()).text();
            }
        } else {
            if c > 4096 {
                continue;
            }
            if cells.len() <= c {
                cells.resize(c + 1, Cell::Empty);
            }
            cells[c] = cell_of(cell.get_value());
        }
    }
    match header {
        Some(h) => Ok(h),
        None if current.is_none() && header_cells.is_empty() => {
            Err(import::match_header(&[]).err().unwrap_or_default())
        }
        None => import::match_header(&header_cells),
    }
}

/// The report as a workbook: 校验报告 (行号, 字段, 原因, 填写内容) by row, and a summary line.
pub fn report(summary: &str, errors: &[ImportRowError]) -> Result<Vec<u8>, String> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("校验报告").map_err(x)?;
    let bold = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin);
    let text = Format::new().set_num_format("@");
    ws.write_string(0, 0, summary).map_err(x)?;
    for (i, h) in ["行号", "字段", "原因", "填写内容"].iter().enumerate() {
        ws.write_string_with_format(1, i as u16, *h, &bold)
            .map_err(x)?;
    }
    ws.set_column_width(0, 8).map_err(x)?;
    ws.set_column_width(1, 22).map_err(x)?;
    ws.set_column_width(2, 70).map_err(x)?;
    ws.set_column_width(3, 30).map_err(x)?;
    for (k, e) in errors.iter().enumerate() {
        let row = u32::try_from(k + 2).map_err(x_any)?;
        ws.write_number(row, 0, f64::from(e.row)).map_err(x)?;
        ws.write_string(row, 1, &e.label).map_err(x)?;
        ws.write_string(row, 2, &e.message).map_err(x)?;
        ws.write_string_with_format(row, 3, &e.value, &text)
            .map_err(x)?;
    }
    ws.set_freeze_panes(2, 0).map_err(x)?;
    wb.save_to_buffer().map_err(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Collect(Vec<(u32, Vec<Cell>)>, u32);
    impl RowSink for Collect {
        fn total(&mut self, rows: u32) {
            self.1 = rows;
        }
        fn row(&mut self, _: &HeaderMap, row: u32, cells: &mut Vec<Cell>) -> bool {
            self.0.push((row, std::mem::take(cells)));
            true
        }
    }

    #[test]
    fn column_names() {
        assert_eq!(col_name(0), "A");
        assert_eq!(col_name(25), "Z");
        assert_eq!(col_name(26), "AA");
        assert_eq!(col_name(27), "AB");
        assert_eq!(col_name(701), "ZZ");
        assert_eq!(col_name(702), "AAA");
    }

    #[test]
    fn the_template_reads_back_as_the_template_with_no_rows() {
        let bytes = template().expect("template");
        assert!(sniff(&bytes).is_ok());
        let mut c = Collect(vec![], 0);
        let h = read(&bytes, &mut c).expect("header");
        assert_eq!(h.positions.len(), columns().len());
        assert!(c.0.is_empty());
    }

    #[test]
    fn filled_rows_are_read_in_order_skipping_blank_ones() {
        let mut a = vec![String::new(); columns().len()];
        a[0] = "张三".into();
        let blank = vec![String::new(); columns().len()];
        let mut b = a.clone();
        b[0] = "李四".into();
        b[3] = "1".into();
        let bytes = filled(&[a, blank, b]).expect("filled");
        let mut c = Collect(vec![], 0);
        read(&bytes, &mut c).expect("read");
        assert_eq!(c.0.len(), 2);
        assert_eq!(c.0[0].0, 2);
        assert_eq!(c.0[1].0, 4);
        assert_eq!(c.0[1].1[0], Cell::Text("李四".into()));
        assert_eq!(c.0[1].1[3], Cell::Text("1".into()));
    }

    /// Synthetic records exported in either layout and read back (through .xlsx) are the same
    /// records, and pass the rules.
    #[test]
    fn exports_round_trip_in_both_layouts() {
        use xueji_shared::import::Layout;
        let today = NaiveDate::from_ymd_opt(2025, 9, 15).unwrap();
        let spec = crate::synth::SynthSpec::new(7, 300, 330106, today);
        let synth = crate::synth::Synth::new(spec).unwrap();
        let rules = synth.rules().clone();
        let records: Vec<StudentRecord> = synth.collect();
        for layout in Layout::ALL {
            let bytes = export(layout, &records).expect("export");
            let mut c = Collect(vec![], 0);
            let h = read(&bytes, &mut c).expect("read");
            assert_eq!(h.layout, layout);
            assert_eq!(c.0.len(), records.len());
            for ((row, cells), r) in c.0.iter().zip(&records) {
                let p = import::parse_row(&h, *row, cells);
                assert_eq!(p.errors, vec![], "{layout:?} row {row}");
                assert_eq!(&p.record, r, "{layout:?} row {row}");
                assert_eq!(
                    import::check_row(&p, &h, cells, &rules),
                    vec![],
                    "{layout:?} row {row}"
                );
            }
        }
    }

    #[test]
    fn other_files_are_refused_with_a_reason() {
        assert!(sniff(b"%PDF-1.4").unwrap_err().contains(".xlsx"));
        assert!(sniff(b"PK\x03\x04 not really a zip")
            .unwrap_err()
            .contains("无法打开"));
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "学号").unwrap();
        ws.write_string(0, 1, "姓名").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        // The upload's recognition (first row only) and the full read say the same.
        let mut c = Collect(vec![], 0);
        for e in [
            recognise(&bytes).unwrap_err(),
            read(&bytes, &mut c).unwrap_err(),
        ] {
            assert!(e.starts_with("不是本系统的导入模板：缺少列"), "{e}");
        }
        let empty = Workbook::new().save_to_buffer().unwrap();
        for e in [
            recognise(&empty).unwrap_err(),
            read(&empty, &mut c).unwrap_err(),
        ] {
            assert!(e.contains("第1行应为列名"), "{e}");
        }
        // A header on row 2 is no header.
        let mut wb = Workbook::new();
        wb.add_worksheet().write_string(1, 0, "姓名").unwrap();
        let late = wb.save_to_buffer().unwrap();
        for e in [
            recognise(&late).unwrap_err(),
            read(&late, &mut c).unwrap_err(),
        ] {
            assert!(e.contains("第1行应为列名"), "{e}");
        }
    }

    #[test]
    fn the_report_is_a_workbook() {
        let bytes = report(
            "共 2 行",
            &[ImportRowError {
                row: 3,
                field: "name".into(),
                label: "姓名".into(),
                message: "请填写姓名".into(),
                value: String::new(),
            }],
        )
        .expect("report");
        assert!(bytes.starts_with(b"PK\x03\x04"));
    }
}
