/// The printed page (issue 17 part 8): what `@media print` changes after `HTMLAssets.style`
/// (it comes later in the page's `<style>`, so it wins over the screen rules it repeats).
///
/// Printing lesson 01 gave 26 A4 pages, many half blank: every step card and its sub-steps
/// stacked one below the other at screen sizes, the sub-steps never side by side, and wide
/// matrices ran off the page. In print:
/// - cards and tables split across pages (only a short sub-step, a table row, a chart or a
///   heading is kept whole; a sub-step with a table of more than 10 rows splits between
///   rows), table headers repeat on each page;
/// - small sub-steps (3 × 3 or 9 × 9 matrices, scalars, token lists) sit side by side in a
///   wrapping row; a matrix of 14 or more cells a row, a chart or a long text takes the whole
///   width;
/// - a wide matrix (more than 8 columns shown) is scaled to the page: its font size follows the
///   number of cells in a row, counted by `:has(tr > :nth-child(N))`, against the page's width
///   (`cqi` of `main`), so the 28 cells of a 64- or 384-column matrix (20, a gap, 6) fit A4;
/// - source lines wrap instead of scrolling, pictures and charts are sized for paper;
/// - the body font stack names Noto Sans CJK (KR, SC, JP), Source Han Sans and Nanum before
///   the generic family, so Korean, Chinese and Japanese prose is typeset, not boxes.
enum HTMLPrint {
    static let css = """
        @page{size:A4;margin:11mm 10mm 12mm}
        @media print{
        html,body{font-size:9pt;line-height:1.38}
        body{font-family:"Noto Sans","Noto Sans CJK KR","Noto Sans CJK SC","Noto Sans CJK JP","Noto Sans KR","Source Han Sans K","Source Han Sans SC","Source Han Sans","NanumGothic","Nanum Gothic","Apple SD Gothic Neo","Malgun Gothic","Microsoft YaHei","PingFang SC","Hiragino Sans","DejaVu Sans",system-ui,sans-serif;orphans:2;widows:2}
        main{max-width:none;padding:0;container-type:inline-size}
        h1{font-size:17pt;margin:0 0 .4rem}
        h2{font-size:12.5pt;margin:1rem 0 .3rem;break-after:avoid}
        h3{font-size:10pt;break-after:avoid}
        p,ul,ol{margin:.35rem 0}
        .prose p,.prose li,.prose blockquote{max-width:none}
        pre{white-space:pre-wrap;overflow:visible;overflow-wrap:anywhere;padding:.3rem .5rem;break-inside:auto}
        section.step{margin:.5rem 0 .6rem;border-radius:4px;break-inside:auto;overflow:visible}
        .step-head{padding:.15rem .5rem;break-after:avoid}
        .step-head h3{font-size:9pt}
        .dname{font-size:8pt}
        .args,.where{font-size:7.5pt}
        pre.source{font-size:8pt;padding:.25rem .5rem;break-after:avoid}
        .exercise-tag,.warning,.error{padding:.2rem .5rem;font-size:8pt}
        ol.substeps{display:flex;flex-wrap:wrap;align-items:flex-start}
        .substep{flex:0 1 auto;max-width:100%;min-width:0;padding:.3rem .6rem .35rem;border-top:0;break-inside:avoid}
        .substep:has(table.m.wide tr>:nth-child(15)),.substep:has(svg.chart:not(.pixels)),.substep:has(pre.text){flex-basis:100%}
        .substep:has(table.m tbody tr:nth-child(11)),.substep:has(pre.text){break-inside:auto}
        .sub-head{margin-bottom:.15rem;gap:.1rem .5rem}
        .sub-name{font-size:8.5pt}
        .formula{font-size:9pt;flex:0 1 auto}
        .scalar{font-size:11pt}
        .sub-body{overflow:visible}
        table.m{font-size:7.5pt;margin:.1rem 0;break-inside:auto}
        table.m thead{display:table-header-group}
        table.m tr{break-inside:avoid}
        table.m th{padding:.05rem .3rem;font-size:7.5pt}
        table.m td{padding:.05rem .35rem;min-width:0}
        table.m caption{font-size:7pt;padding-bottom:.1rem}
        table.m.wide{font-size:min(7pt,calc(88cqi / 40))}
        table.m.wide:has(tr>:nth-child(13)){font-size:min(7pt,calc(88cqi / 52))}
        table.m.wide:has(tr>:nth-child(17)){font-size:calc(88cqi / 68)}
        table.m.wide:has(tr>:nth-child(21)){font-size:calc(88cqi / 84)}
        table.m.wide:has(tr>:nth-child(25)){font-size:calc(88cqi / 100)}
        table.m.wide:has(tr>:nth-child(29)){font-size:calc(88cqi / 116)}
        table.m.wide th,table.m.wide td{padding:.05rem .15rem;min-width:0;font-size:inherit}
        .legend{font-size:6.5pt;margin:.05rem 0}
        .legend i{width:5rem;height:.4rem}
        svg.chart{max-width:min(100%,115mm);height:auto;break-inside:avoid}
        svg.chart.pixels{width:30mm}
        .figure{gap:.4rem}
        ul.tokens{gap:.2rem}
        ul.tokens li{padding:0 .3rem;font-size:8pt}
        section.exercises table{break-inside:auto}
        section.exercises tr{break-inside:avoid}
        footer.page{padding:.3rem 0 0}
        }
        """
}
