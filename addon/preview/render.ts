// A fake sheet's state as HTML that looks like Google Sheets: column letters and row numbers, the
// column widths the add-on set, values as their number formats show them, backgrounds, bold, note
// markers (the black corner), frozen rows and columns (sticky, with Sheets' thick grey line), text
// that overflows into empty neighbours and is clipped by the next filled one. Pure: a string.
import type { FakeSheet } from '../../test/addon/fakes/spreadsheet.js';

export interface SheetPicture {
  /** Rows and columns to draw (at least the used range). */
  rows?: number;
  cols?: number;
  /** A note to show opened, as Sheets does on hover. */
  openNote?: { row: number; col: number };
  /** A cell drawn selected (Sheets' blue frame). */
  selected?: { row: number; col: number };
  /** Scroll the grid by this many pixels (the frozen panes stay). */
  scroll?: { left: number; top: number };
  title?: string;
}

const ROW_PX = 21;
const HEAD_COL_PX = 46;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function letter(col: number): string {
  let s = '';
  let n = col;
  while (n > 0) {
    s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export function sheetHtml(sheet: FakeSheet, pic: SheetPicture = {}): string {
  const rows = Math.max(pic.rows ?? 0, sheet.lastRow() + 2);
  const cols = Math.max(pic.cols ?? 0, sheet.lastCol() + 1);
  const fr = sheet.frozenRows;
  const fc = sheet.frozenCols;
  const widths = Array.from({ length: cols }, (_, i) => sheet.columnWidth(i + 1));
  const left = (c: number) => HEAD_COL_PX + widths.slice(0, c - 1).reduce((a, b) => a + b, 0);
  const text = (r: number, c: number) => sheet.displayAt(r, c);
  const out: string[] = [];
  out.push('<colgroup>', `<col style="width:${HEAD_COL_PX}px">`);
  for (const w of widths) out.push(`<col style="width:${w}px">`);
  out.push('</colgroup>');
  // Column letters.
  out.push('<tr class="hd">', '<th class="corner sticky-l sticky-t" style="left:0;top:0"></th>');
  for (let c = 1; c <= cols; c++) {
    const frozen = c <= fc;
    const cls = ['colh', 'sticky-t', frozen ? 'sticky-l' : '', c === fc ? 'fz-r' : ''].filter(Boolean).join(' ');
    out.push(`<th class="${cls}" style="top:0;${frozen ? `left:${left(c)}px` : ''}">${letter(c)}</th>`);
  }
  out.push('</tr>');
  for (let r = 1; r <= rows; r++) {
    const frozenRow = r <= fr;
    const top = ROW_PX * r;
    out.push('<tr>');
    const rowCls = `rowh sticky-l${frozenRow ? ' sticky-t' : ''}${r === fr ? ' fz-b' : ''}`;
    out.push(`<th class="${rowCls}" style="left:0;${frozenRow ? `top:${top}px` : ''}">${r}</th>`);
    for (let c = 1; c <= cols; c++) {
      const v = sheet.valueAt(r, c);
      const shown = text(r, c);
      const bg = sheet.backgroundAt(r, c) ?? '#ffffff';
      const bold = sheet.weightAt(r, c) === 'bold';
      const note = sheet.noteAt(r, c);
      const frozenCol = c <= fc;
      const cls = [
        frozenRow ? 'sticky-t' : '',
        frozenCol ? 'sticky-l' : '',
        r === fr ? 'fz-b' : '',
        c === fc ? 'fz-r' : '',
        note ? 'note' : '',
        pic.selected && pic.selected.row === r && pic.selected.col === c ? 'sel' : '',
      ]
        .filter(Boolean)
        .join(' ');
      const style = [
        `background:${bg}`,
        bold ? 'font-weight:bold' : '',
        frozenRow ? `top:${top}px` : '',
        frozenCol ? `left:${left(c)}px` : '',
        // Frozen cells stack above the scrolled ones, and each above its right neighbour, so that
        // text running on over empty neighbours is not painted over by them.
        frozenRow && frozenCol
          ? `z-index:${12000 + cols - c}`
          : frozenRow || frozenCol
            ? `z-index:${8000 + cols - c}`
            : '',
      ]
        .filter(Boolean)
        .join(';');
      let inner = '';
      if (shown !== '') {
        const numeric = typeof v === 'number';
        // Text runs on over empty cells to its right (up to the frozen edge), as in Sheets.
        let span = widths[c - 1];
        if (!numeric) {
          for (let k = c + 1; k <= cols && text(r, k) === '' && !(c <= fc && k > fc); k++) span += widths[k - 1];
        }
        inner = `<div class="v${numeric ? ' num' : ''}" style="width:${span - 7}px">${esc(shown)}</div>`;
      }
      out.push(`<td class="${cls}" style="${style}">${inner}</td>`);
    }
    out.push('</tr>');
  }
  let bubble = '';
  if (pic.openNote) {
    const n = sheet.noteAt(pic.openNote.row, pic.openNote.col);
    if (n) {
      const x = left(pic.openNote.col) + widths[pic.openNote.col - 1] + 4 - (pic.scroll?.left ?? 0);
      const y = ROW_PX * pic.openNote.row + 2 - (pic.scroll?.top ?? 0);
      bubble = `<div class="bubble" style="left:${x}px;top:${y}px">${esc(n)}</div>`;
    }
  }
  const tableWidth = HEAD_COL_PX + widths.reduce((a, b) => a + b, 0);
  return `<!doctype html><html><head><meta charset="utf-8"><style>${CSS}</style></head><body>
<div class="bar"><span class="doc">${esc(pic.title ?? 'Production orders')}</span>
<span class="menu">File Edit View Insert Format Data Tools <b>Extensions</b> Help</span></div>
<div class="grid" id="grid"><table style="width:${tableWidth}px">${out.join('')}</table>${bubble}</div>
<div class="tabs"><span class="tab on">${esc(sheet.getName())}</span></div>
<script>const g = document.getElementById('grid');
g.scrollLeft = ${pic.scroll?.left ?? 0}; g.scrollTop = ${pic.scroll?.top ?? 0};</script>
</body></html>`;
}

const CSS = `
* { box-sizing: border-box; }
body { margin: 0; font: 10pt Arial, 'Liberation Sans', 'DejaVu Sans Condensed', sans-serif;
  color: #202124; background: #fff;
  display: flex; flex-direction: column; height: 100vh; }
.bar { height: 40px; display: flex; align-items: center; gap: 18px; padding: 0 12px; border-bottom: 1px solid #dadce0;
  background: #f9fbfd; flex: none; }
.bar .doc { font-size: 13pt; }
.bar .menu { color: #444; font-size: 9.5pt; word-spacing: 6px; }
.grid { position: relative; overflow: hidden; flex: 1; }
table { border-collapse: separate; border-spacing: 0; table-layout: fixed; }
td, th { height: ${ROW_PX}px; padding: 0; border-right: 1px solid #e2e3e3; border-bottom: 1px solid #e2e3e3;
  white-space: nowrap; overflow: visible; position: relative; }
th { background: #f8f9fa; color: #5f6368; font-weight: normal; font-size: 8pt; text-align: center; }
th.corner { z-index: 20002 !important; }
.sticky-t { position: sticky; }
.sticky-l { position: sticky; }
th.sticky-l { z-index: 15000; }
th.sticky-t { z-index: 20000; }
th.sticky-t.sticky-l { z-index: 20001; }
.fz-b { border-bottom: 4px solid #c0c0c0; }
.fz-r { border-right: 4px solid #c0c0c0; }
.v { padding: 0 3px; line-height: ${ROW_PX - 2}px; overflow: hidden; position: relative; z-index: 1; }
.v.num { text-align: right; }
td.note::after { content: ''; position: absolute; top: 0; right: 0; border-style: solid; border-width: 0 6px 6px 0;
  border-color: transparent #000 transparent transparent; z-index: 2; }
td.sel { outline: 2px solid #1a73e8; outline-offset: -2px; }
.bubble { position: absolute; z-index: 30000; width: 260px; padding: 8px 10px; background: #fff;
  border: 1px solid #c0c0c0;
  box-shadow: 0 2px 6px rgba(0,0,0,.25); white-space: normal; font-size: 9pt; line-height: 1.35; }
.tabs { height: 34px; flex: none; border-top: 1px solid #dadce0; background: #f1f3f4; padding-left: 50px; }
.tab { display: inline-block; margin-top: -1px; padding: 8px 16px; font-size: 9.5pt; color: #188038;
  background: #e6f4ea;
  border-bottom: 3px solid #188038; }
`;
