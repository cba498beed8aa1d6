// Test files the server accepts as evidence.

// A genuine (structurally valid) one-page PDF: the server checks the cross-reference table.
export const PDF = (() => {
  const parts = ['%PDF-1.4\n% 户籍证明\n'];
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
  ];
  const offsets = [];
  let len = Buffer.byteLength(parts[0]);
  objs.forEach((o, i) => {
    offsets.push(len);
    const s = `${i + 1} 0 obj\n${o}\nendobj\n`;
    parts.push(s);
    len += Buffer.byteLength(s);
  });
  parts.push(`xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`
    + offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')
    + `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${len}\n%%EOF\n`);
  return Buffer.from(parts.join(''));
})();
