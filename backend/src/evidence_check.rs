//! Whether an evidence file is what its first bytes claim (issue 10, defect 7): a PNG or JPEG
//! that decodes completely, a PDF with the structure of one (header, `startxref` pointing at a
//! cross-reference table or stream, `%%EOF` at the end), and no HTML markers anywhere — a file
//! with PNG or PDF magic followed by HTML is a polyglot a careless viewer could render as a
//! page. Images are decoded row by row (PNG) or to one grey channel (JPEG) under a pixel
//! bound, so a decompression bomb cannot take the memory.

use std::io::Cursor;

use crate::evidence::Kind;

/// Largest image accepted, in pixels (a 48-megapixel phone photo fits).
pub const MAX_PIXELS: u64 = 50_000_000;

/// Markers of HTML, SVG or script, searched case-insensitively through the whole file. Each is
/// long enough that compressed image or PDF data contains it by chance with negligible odds.
const HTML_MARKERS: &[&str] = &[
    "<!doctype html",
    "<html",
    "<head>",
    "<body",
    "<script",
    "<iframe",
    "<object",
    "<embed",
    "<svg xmlns",
    "<meta http-equiv",
    "javascript:",
];

/// `Err` with the Chinese reason when the file is not a genuine file of its kind.
pub fn verify(kind: Kind, bytes: &[u8]) -> Result<(), String> {
    if let Some(marker) = html_marker(bytes) {
        return Err(format!(
            "文件中含有网页代码（{marker}），不是有效的 {} 文件",
            label(kind)
        ));
    }
    match kind {
        Kind::Png => png_ok(bytes),
        Kind::Jpeg => jpeg_ok(bytes),
        Kind::Pdf => pdf_ok(bytes),
    }
    .map_err(|why| format!("文件不是有效的 {} 文件（{why}）", label(kind)))
}

fn label(kind: Kind) -> &'static str {
    match kind {
        Kind::Png => "PNG",
        Kind::Jpeg => "JPG",
        Kind::Pdf => "PDF",
    }
}

fn html_marker(bytes: &[u8]) -> Option<&'static str> {
    let lower = bytes.to_ascii_lowercase();
    HTML_MARKERS
        .iter()
        .find(|m| lower.windows(m.len()).any(|w| w == m.as_bytes()))
        .copied()
}

/// The chunks from the signature to `IEND`, which must end the file; then every row decoded.
fn png_ok(bytes: &[u8]) -> Result<(), &'static str> {
    let mut at = 8usize;
    loop {
        let len = bytes
            .get(at..at + 4)
            .ok_or("数据块不完整")?
            .iter()
            .fold(0usize, |a, b| (a << 8) | usize::from(*b));
        let kind = bytes.get(at + 4..at + 8).ok_or("数据块不完整")?;
        let end = at
            .checked_add(12)
            .and_then(|x| x.checked_add(len))
            .ok_or("数据块长度无效")?;
        if end > bytes.len() {
            return Err("数据块超出文件末尾");
        }
        at = end;
        if kind == b"IEND" {
            break;
        }
    }
    if at != bytes.len() {
        return Err("图像结束标记之后还有其他内容");
    }
    let decoder =
        png::Decoder::new_with_limits(Cursor::new(bytes), png::Limits { bytes: 64 << 20 });
    let mut reader = decoder.read_info().map_err(|_| "无法解码")?;
    let info = reader.info();
    if u64::from(info.width) * u64::from(info.height) > MAX_PIXELS {
        return Err("图像尺寸过大");
    }
    while reader.next_row().map_err(|_| "图像数据损坏")?.is_some() {}
    reader.finish().map_err(|_| "图像数据损坏")?;
    Ok(())
}

fn jpeg_ok(bytes: &[u8]) -> Result<(), &'static str> {
    use zune_jpeg::zune_core::colorspace::ColorSpace;
    use zune_jpeg::zune_core::options::DecoderOptions;
    let options = DecoderOptions::default()
        .set_max_width(20_000)
        .set_max_height(20_000)
        .jpeg_set_out_colorspace(ColorSpace::Luma);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(Cursor::new(bytes), options);
    decoder.decode_headers().map_err(|_| "无法解码")?;
    let (w, h) = decoder.dimensions().ok_or("无法解码")?;
    if w as u64 * h as u64 > MAX_PIXELS {
        return Err("图像尺寸过大");
    }
    decoder.decode().map_err(|_| "图像数据损坏")?;
    Ok(())
}

/// Header `%PDF-1.x` / `%PDF-2.x`; `%%EOF` within the last 1 KB; the last `startxref` gives
/// an offset inside the file where a cross-reference table (`xref`) or stream (`N G obj`)
/// starts.
fn pdf_ok(bytes: &[u8]) -> Result<(), &'static str> {
    let version = bytes.get(5..8).ok_or("文件头不完整")?;
    if !(matches!(version[0], b'1' | b'2') && version[1] == b'.' && version[2].is_ascii_digit()) {
        return Err("文件头无效");
    }
    let tail_start = bytes.len().saturating_sub(1024);
    let tail = &bytes[tail_start..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err("缺少文件结束标记 %%EOF");
    }
    let sx = tail
        .windows(9)
        .rposition(|w| w == b"startxref")
        .ok_or("缺少交叉引用位置 startxref")?;
    let digits: Vec<u8> = tail[sx + 9..]
        .iter()
        .skip_while(|c| c.is_ascii_whitespace())
        .take_while(|c| c.is_ascii_digit())
        .copied()
        .collect();
    let offset: usize = std::str::from_utf8(&digits)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or("交叉引用位置无效")?;
    let at = bytes.get(offset..).ok_or("交叉引用位置超出文件")?;
    let at = &at[..at.len().min(64)];
    let is_table = at.starts_with(b"xref");
    let is_stream = {
        // "12 0 obj"
        let text: String = at.iter().map(|b| *b as char).collect();
        let mut words = text.split_ascii_whitespace();
        matches!(
            (words.next(), words.next(), words.next()),
            (Some(n), Some(g), Some(o))
                if n.bytes().all(|c| c.is_ascii_digit())
                    && g.bytes().all(|c| c.is_ascii_digit())
                    && o.starts_with("obj")
        )
    };
    if !(is_table || is_stream) {
        return Err("交叉引用表无效");
    }
    if is_table && !bytes[offset..].windows(7).any(|w| w == b"trailer") {
        return Err("缺少 trailer");
    }
    Ok(())
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A minimal valid PDF (one empty page), with its xref offsets computed.
    pub fn minimal_pdf() -> Vec<u8> {
        let objs = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        ];
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, o) in objs.iter().enumerate() {
            offsets.push(out.len());
            out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).into_bytes());
        }
        let xref = out.len();
        out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).into_bytes());
        for o in offsets {
            out.extend(format!("{o:010} 00000 n \n").into_bytes());
        }
        out.extend(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objs.len() + 1
            )
            .into_bytes(),
        );
        out
    }

    pub fn tiny_png() -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, 4, 3);
            enc.set_color(png::ColorType::Rgb);
            enc.set_depth(png::BitDepth::Eight);
            let mut w = enc.write_header().expect("header");
            w.write_image_data(&[200u8; 4 * 3 * 3]).expect("data");
        }
        out
    }

    #[test]
    fn genuine_files_pass() {
        assert_eq!(verify(Kind::Pdf, &minimal_pdf()), Ok(()));
        assert_eq!(verify(Kind::Png, &tiny_png()), Ok(()));
    }

    #[test]
    fn polyglots_and_fakes_are_refused() {
        let html = b"<html><body><script>alert(1)</script></body></html>";
        let png_magic = [&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A][..], html].concat();
        assert!(verify(Kind::Png, &png_magic)
            .unwrap_err()
            .contains("网页代码"));
        let png_then_html = [tiny_png(), html.to_vec()].concat();
        assert!(verify(Kind::Png, &png_then_html).is_err());
        let png_then_junk = [tiny_png(), b"trailing".to_vec()].concat();
        assert!(verify(Kind::Png, &png_then_junk)
            .unwrap_err()
            .contains("之后还有其他内容"));
        let mut broken = tiny_png();
        let n = broken.len();
        broken[n - 20] ^= 0xFF;
        assert!(verify(Kind::Png, &broken).is_err());

        let pdf_html = [b"%PDF-1.4\n".as_slice(), html].concat();
        assert!(verify(Kind::Pdf, &pdf_html)
            .unwrap_err()
            .contains("网页代码"));
        assert!(verify(Kind::Pdf, b"%PDF-1.4\nhello\n%%EOF")
            .unwrap_err()
            .contains("startxref"));
        let mut lying = minimal_pdf();
        lying.extend(b"\nstartxref\n3\n%%EOF\n");
        assert!(verify(Kind::Pdf, &lying).is_err());

        let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], html].concat();
        assert!(verify(Kind::Jpeg, &jpeg).is_err());
        let jpeg_junk = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 1, 2, 3, 4];
        assert!(verify(Kind::Jpeg, &jpeg_junk).is_err());
    }
}
