/// The CSS and JavaScript inlined into every page. Nothing here loads anything: system fonts,
/// no images, no network. The step-through state is applied by JavaScript at load time (the
/// `js` class on `<html>`), so without JavaScript, and always in print, every sub-step shows.
///
/// Contrast (WCAG 2.1 AA, issue 22): every text colour meets 4.5:1 on its background in the light,
/// the dark and the print scheme. Backgrounds under text are plain colours (the tinted ones are
/// precomputed below, not `color-mix()`), so a checker can read them; heat-map cells come from
/// `HeatPalette`, which also picks their text colour.
enum HTMLAssets {
    static let style = head + HeatPalette.cellRules(.light)
        + "@media (prefers-color-scheme:dark){" + HeatPalette.cellRules(.dark) + "}\n"
        + body + "@media print{" + HeatPalette.cellRules(.light) + "}\n"

    static let head = """
        :root{color-scheme:light dark;--fg:#1b1c1f;--bg:#fdfdfc;--card:#fff;--muted:#5d6068;--line:#d9dbe0;--soft:#f1f2f5;--accent:#1f5fd1;--accent-2:#c2410c;--bad:#b42318;--warn:#8a5a00;--ok:#18794e;--seq:#1f5fd1;--pos:#1f5fd1;--neg:#d9480f;--code:#f3f4f6;--shadow:0 1px 2px rgba(16,24,40,.06),0 1px 3px rgba(16,24,40,.08);--bar:rgba(253,253,252,.92);--tag-bg:#f9ece7;--warn-bg:#f3eee6;--bad-bg:#f8ebea;--sol-bg:#f9f2ee}
        @media (prefers-color-scheme:dark){:root{--fg:#e9eaee;--bg:#121316;--card:#1a1c20;--muted:#a3a7b1;--line:#33363d;--soft:#23262c;--accent:#7aa7ff;--accent-2:#ffa468;--bad:#ff8f85;--warn:#f5c26b;--ok:#5fd39a;--seq:#3d7cf5;--pos:#3d7cf5;--neg:#f0703a;--code:#1f2228;--shadow:none;--bar:rgba(18,19,22,.92);--tag-bg:#312a27;--warn-bg:#302d28;--bad-bg:#2f2629;--sol-bg:#201c1b}}
        *{box-sizing:border-box}
        html{-webkit-text-size-adjust:100%}
        body{margin:0;color:var(--fg);background:var(--bg);font:17px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK KR","Noto Sans KR","Apple SD Gothic Neo","Malgun Gothic",sans-serif;word-break:keep-all;overflow-wrap:break-word}
        main{max-width:56rem;margin:0 auto;padding:1.5rem 1.25rem 4rem}
        h1{font-size:2.1rem;line-height:1.2;margin:1.2rem 0 1rem;letter-spacing:-.01em}
        h2{font-size:1.45rem;margin:2.4rem 0 .6rem;padding-bottom:.25rem;border-bottom:1px solid var(--line)}
        h3{font-size:1.15rem}
        a{color:var(--accent)}
        .prose p,.prose li,.prose blockquote{max-width:46rem}
        code,pre,kbd{font-family:ui-monospace,"SFMono-Regular","JetBrains Mono",Menlo,Consolas,"DejaVu Sans Mono","Noto Sans Mono CJK KR",monospace;font-size:.88em}
        :not(pre)>code{background:var(--code);padding:.08em .3em;border-radius:4px}
        pre{background:var(--code);padding:.7rem .9rem;border-radius:8px;overflow-x:auto;line-height:1.45}
        blockquote{margin:1rem 0;padding:.2rem 1rem;border-left:4px solid var(--line);color:var(--muted)}
        table{border-collapse:collapse}
        .prose table{margin:1rem 0}
        .prose th,.prose td{border:1px solid var(--line);padding:.25rem .6rem}
        .prose math{font-family:"STIX Two Math","Cambria Math","Latin Modern Math","DejaVu Math TeX Gyre",math;font-size:1.1em}.prose math[display=block]{overflow-x:auto;overflow-y:hidden}.prose img{max-width:100%;height:auto}.prose .image-missing{color:var(--muted);font-style:italic}.tex-error{color:var(--bad)}
        kbd{border:1px solid var(--line);border-bottom-width:2px;border-radius:4px;padding:0 .3em;background:var(--card)}
        .toolbar{position:sticky;top:0;z-index:5;display:none;gap:.5rem;align-items:center;justify-content:flex-end;padding:.45rem 1rem;background:var(--bar);backdrop-filter:blur(6px);border-bottom:1px solid var(--line);font-size:.9rem}
        .js .toolbar{display:flex}
        .crumbs{font-size:.9rem;margin:.8rem 0 0}
        .crumbs a{color:var(--muted);text-decoration:none}
        .crumbs a:hover{text-decoration:underline}
        .toolbar .keys{color:var(--muted);margin-right:auto}
        .js:not(.stepping) .toolbar .keys{visibility:hidden}
        button{font:inherit;font-size:.9rem;color:var(--fg);background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.25rem .7rem;cursor:pointer}
        button:hover:not(:disabled){border-color:var(--accent);color:var(--accent)}
        button:focus-visible,a:focus-visible,summary:focus-visible,section.step:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
        button:disabled{opacity:.45;cursor:default}
        button.primary{background:var(--accent);border-color:var(--accent);color:var(--card)}
        button.primary:hover:not(:disabled){color:var(--card);filter:brightness(1.08)}
        section.step{margin:1.6rem 0 2rem;background:var(--card);border:1px solid var(--line);border-radius:12px;box-shadow:var(--shadow);overflow:hidden}
        section.step.failed{border-color:var(--bad)}
        .step-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:.3rem .7rem;padding:.55rem 1rem;background:var(--soft);border-bottom:1px solid var(--line)}
        .step-head h3{margin:0;font-size:1rem;font-weight:600;display:flex;gap:.6rem;align-items:baseline;flex-wrap:wrap}
        .dname{font-family:ui-monospace,Menlo,Consolas,"DejaVu Sans Mono",monospace;color:var(--card);background:var(--accent);border-radius:5px;padding:.05rem .5rem;font-size:.9rem}
        .args{font-family:ui-monospace,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.85rem;color:var(--muted);font-weight:400}
        .where{margin-left:auto;color:var(--muted);font-size:.8rem}
        .where a{color:inherit;text-decoration:none}
        pre.source{margin:0;border-radius:0;background:transparent;border-bottom:1px solid var(--line);font-size:.95rem;padding:.7rem 1rem}
        .exercise-tag{margin:0;padding:.45rem 1rem;font-size:.9rem;background:var(--tag-bg);border-bottom:1px solid var(--line)}
        .exercise-tag .result{font-weight:600}
        .exercise-tag .passed{color:var(--ok)}
        .exercise-tag .failed{color:var(--bad)}
        ol.substeps{list-style:none;margin:0;padding:0;counter-reset:sub}
        .substep{padding:.8rem 1rem .9rem;border-top:1px solid var(--line);counter-increment:sub}
        .substep:first-child{border-top:0}
        .sub-head{display:flex;flex-wrap:wrap;align-items:center;gap:.3rem .8rem;margin-bottom:.5rem}
        .sub-name{font-family:ui-monospace,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-weight:700;font-size:.95rem}
        .sub-name::before{content:counter(sub);display:inline-block;min-width:1.45em;height:1.45em;line-height:1.45em;margin-right:.45rem;border-radius:50%;background:var(--soft);border:1px solid var(--line);color:var(--muted);font-size:.75rem;text-align:center;font-family:system-ui,sans-serif;font-weight:600;vertical-align:.1em}
        .formula{color:var(--fg);font-size:1.05rem;flex:1 1 18rem;min-width:0}
        .formula .ftext{color:var(--muted);font-size:.95rem}
        .formula math{font-size:1.1em}
        mtext{color:var(--muted);font-family:inherit}
        .sub-body{overflow-x:auto}
        .scalar{margin:.1rem 0;font-size:1.35rem;font-variant-numeric:tabular-nums;font-weight:600}
        .shape{color:var(--muted);font-size:.8rem;font-weight:400}
        table.m{margin:.2rem 0 .3rem;font-variant-numeric:tabular-nums;font-size:.92rem}
        table.m caption{caption-side:top;text-align:left;color:var(--muted);font-size:.8rem;padding-bottom:.3rem}
        table.m th{font-weight:600;padding:.2rem .55rem;color:var(--muted);white-space:pre;font-size:.88rem}
        table.m thead td{border:0}
        table.m thead th{border-bottom:2px solid var(--line);text-align:center;vertical-align:bottom}
        table.m tbody th{text-align:right;border-right:2px solid var(--line)}
        table.m td{padding:.22rem .6rem;text-align:right;min-width:3.6em;border:1px solid color-mix(in srgb,var(--line) 60%,transparent);-webkit-print-color-adjust:exact;print-color-adjust:exact}
        table.m.wide{font-size:.8rem}
        table.m.wide td{padding:.15rem .4rem;min-width:3.2em}
        table.m td.t{text-align:left;white-space:pre}
        """

    static let body = """
        td.max{outline:2.5px solid currentColor;outline-offset:-3px;font-weight:700}
        td.ninf,td.pinf{background:repeating-linear-gradient(135deg,transparent 0 5px,var(--muted) 5px 6.5px)}
        td.ninf span,td.pinf span{background:var(--card);color:var(--fg);padding:0 .2em;border-radius:3px}
        td.gap,th.gap{color:var(--muted);text-align:center;border:0}
        .legend{display:flex;align-items:center;gap:.4rem;font-size:.75rem;color:var(--muted);margin:.15rem 0 .2rem}
        .legend .hint{margin-left:.9rem}
        .legend .words{margin-left:.5rem}
        .legend .hatch{display:inline-block;width:1.1em;height:.9em;margin-left:.8rem;border:1px solid var(--muted);background:repeating-linear-gradient(135deg,transparent 0 3px,var(--muted) 3px 4.5px);-webkit-print-color-adjust:exact;print-color-adjust:exact}
        th .chosen{font-weight:400;color:var(--muted)}
        main:focus{outline:none}
        .legend i{display:inline-block;width:9rem;height:.6rem;border-radius:3px;border:1px solid var(--line);-webkit-print-color-adjust:exact;print-color-adjust:exact}
        .legend .mark{display:inline-block;width:1.1em;height:.9em;outline:2px solid var(--fg);outline-offset:-2px;margin-left:.8rem}
        .note{color:var(--muted);font-size:.8rem;margin:.1rem 0}
        ul.tokens{list-style:none;display:flex;flex-wrap:wrap;gap:.35rem;padding:0;margin:.2rem 0}
        ul.tokens li{display:inline-flex;flex-direction:column;align-items:center;border:1px solid var(--line);background:var(--soft);border-radius:6px;padding:.1rem .5rem;font-family:ui-monospace,Menlo,Consolas,"DejaVu Sans Mono","Noto Sans Mono CJK KR",monospace;font-size:.92rem}
        ul.tokens .t{white-space:pre}
        ul.tokens .id{color:var(--muted);font-size:.7rem;line-height:1.1}
        pre.text{white-space:pre-wrap;margin:.2rem 0}
        .figure{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}
        svg.chart{max-width:100%;height:auto;font-size:12px;overflow:visible}
        svg.chart text{fill:var(--muted);font-family:system-ui,sans-serif}
        svg.chart .label{fill:var(--fg);font-size:13px;font-weight:600}
        svg.chart .grid line{stroke:var(--line);stroke-width:1}
        svg.chart .axis line{stroke:var(--muted);stroke-width:1.2}
        svg.chart .zero line{stroke:var(--muted);stroke-dasharray:4 4}
        svg.chart .series{fill:none;stroke:var(--accent);stroke-width:2.5;stroke-linejoin:round;stroke-linecap:round}
        svg.chart .dots circle,svg.chart circle.end{fill:var(--card);stroke:var(--accent);stroke-width:2}
        svg.chart .points circle{fill:var(--accent);fill-opacity:.85;stroke:var(--card);stroke-width:1.5}
        svg.chart .points text{fill:var(--fg);font-size:14px;font-weight:600;paint-order:stroke;stroke:var(--card);stroke-width:3px}
        svg.chart .bar rect{fill:var(--seq);fill-opacity:.85}
        svg.chart .bar.chosen rect{fill:var(--accent-2);fill-opacity:.8}
        svg.chart .bar .tok{fill:var(--fg);font-size:14px;font-family:ui-monospace,Menlo,Consolas,"DejaVu Sans Mono",monospace}
        svg.chart .bar .val{fill:var(--fg);font-size:12.5px}
        svg.chart .bar.chosen .tok,svg.chart .bar.chosen .val{font-weight:700}
        svg.pixels{image-rendering:pixelated;border-radius:3px}
        svg.pixels .pixel-grid line{stroke:#808080;stroke-opacity:.35;stroke-width:1}
        svg.pixels .frame{fill:none;stroke:var(--muted);stroke-width:1}
        details.numbers{margin-top:.4rem}
        details.numbers summary{cursor:pointer;color:var(--muted);font-size:.85rem}
        .warning{margin:0;padding:.5rem 1rem;color:var(--warn);background:var(--warn-bg);border-top:1px solid var(--line);font-size:.92rem}
        .error{margin:0;padding:.55rem 1rem;color:var(--bad);background:var(--bad-bg);border-top:1px solid var(--line);font-weight:600}
        main>.error{border:1px solid var(--bad);border-radius:8px;margin:1rem 0}
        .hidden-answer{color:var(--muted);font-style:italic;margin:.2rem 0}
        .answer-note{padding:.4rem 1rem}
        .title-block .subtitle{font-size:1.2rem;margin:.2rem 0}.title-block .byline{color:var(--muted);margin:.2rem 0 1rem}
        aside.solution{border:1px dashed var(--accent-2);border-radius:10px;padding:.1rem 1rem;margin:1rem 0;background:var(--sol-bg)}
        aside.solution>.label{margin:.6rem 0 0;font-size:.8rem;font-weight:700;color:var(--accent-2);text-transform:uppercase;letter-spacing:.04em}
        .stepper{display:none;gap:.5rem;align-items:center;padding:.55rem 1rem;border-top:1px solid var(--line);background:var(--soft);font-size:.9rem}
        .js.stepping .stepper{display:flex}
        .stepper .count{font-variant-numeric:tabular-nums;color:var(--muted);min-width:3.5em}
        .stepper .upnext{color:var(--muted);margin-left:auto;font-size:.85rem}
        .stepper .upnext code{background:transparent}
        section.exercises table{border-collapse:collapse;margin:.5rem 0}
        section.exercises th,section.exercises td{border:1px solid var(--line);padding:.3rem .7rem;text-align:left;vertical-align:top}
        section.exercises td.num{text-align:right;font-variant-numeric:tabular-nums}
        section.exercises .passed{color:var(--ok);font-weight:600}
        section.exercises .failed{color:var(--bad);font-weight:600}
        .feedback{white-space:pre-wrap;font-size:.88rem}
        footer.page{max-width:56rem;margin:0 auto;padding:1rem 1.25rem 2rem;color:var(--muted);font-size:.8rem;border-top:1px solid var(--line)}
        .visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
        .skip{position:absolute;left:.5rem;top:-3rem;z-index:10;padding:.4rem .8rem;background:var(--card);color:var(--accent);border:2px solid var(--accent);border-radius:6px}
        .skip:focus{top:.5rem}
        @media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important;scroll-behavior:auto!important}}
        @media screen{.js.stepping .substep.pending{display:none}}
        @media screen and (prefers-reduced-motion:no-preference){.js .substep.revealed{animation:reveal .25s ease-out}}
        @keyframes reveal{from{opacity:0;transform:translateY(-4px)}to{opacity:1;transform:none}}
        @media (max-width:40rem){body{font-size:16px}main{padding:1rem .75rem 3rem}.where{margin-left:0}}
        .course h1{margin-top:2rem}
        .course .lead{color:var(--muted);margin-top:-.4rem}
        .course ol.lessons{list-style:none;padding:0;margin:.5rem 0 2rem;display:grid;gap:.6rem}
        .course ol.lessons li{max-width:none;display:flex;gap:.9rem;align-items:center;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:.65rem 1rem;box-shadow:var(--shadow)}
        .course .num{flex:none;width:2.3rem;height:2.3rem;border-radius:50%;display:grid;place-items:center;background:var(--soft);border:1px solid var(--line);font-weight:700;color:var(--accent);font-variant-numeric:tabular-nums}
        .course .title{font-weight:600;font-size:1.08rem;text-decoration:none}
        .course .title:hover{text-decoration:underline}
        .course .meta{color:var(--muted);font-size:.82rem;display:flex;flex-wrap:wrap;gap:.2rem .8rem}
        .course .meta a{color:var(--muted)}
        .course .bad{color:var(--bad);font-weight:600}
        @media print{
        @page{size:A4;margin:16mm 14mm}
        :root{color-scheme:light;--fg:#000;--bg:#fff;--card:#fff;--muted:#444;--line:#bbb;--soft:#f3f3f3;--code:#f5f5f5;--shadow:none;--accent:#1f5fd1;--seq:#1f5fd1;--pos:#1f5fd1;--neg:#d9480f;--accent-2:#c2410c;--bad:#b42318;--warn:#8a5a00;--ok:#18794e;--tag-bg:#f9ece7;--warn-bg:#f3eee6;--bad-bg:#f8ebea;--sol-bg:#f9f2ee}
        body{font-size:10.5pt;line-height:1.45;background:#fff}
        main{max-width:none;padding:0}
        .toolbar,.stepper,.crumbs,.skip{display:none!important}
        section.step{break-inside:auto;box-shadow:none;border-radius:6px}
        .substep,table.m,svg.chart,.step-head,pre{break-inside:avoid}
        h1,h2,h3{break-after:avoid}
        .sub-body{overflow:visible}
        a{color:inherit;text-decoration:none}
        footer.page{border:0}
        }
        """

    /// Runs in `<head>` before the body is parsed, so the hidden state never flashes.
    static let headScript = "document.documentElement.classList.add('js');"

    /// A page opens fully expanded (a student reading it sees every sub-step). Step-through is
    /// a mode, entered by the toolbar's button or by `#step` in the URL (the `stepping` class
    /// on `<html>`): each directive then shows its first sub-step, and Next/Back/Show all and
    /// the arrow keys (← →) reveal the others. The keys act on the directive that holds the
    /// focus, or the one last used if it is on screen, or else the first one on screen.
    /// Each change made by a key or a button is announced by the directive's polite live region
    /// ("Sub-step 2 / 5: scores"); a button that becomes disabled hands its focus to one that is
    /// not, so the keyboard never loses its place. Motion (the reveal) only without
    /// `prefers-reduced-motion: reduce`, and scrolling is never animated.
    static let script = """
        (function(){
        'use strict';
        var steps=Array.prototype.slice.call(document.querySelectorAll('section.step[data-substeps]'));
        var current=null;
        function subs(s){return s.querySelectorAll('.substep');}
        function shown(s){return parseInt(s.getAttribute('data-shown')||'0',10);}
        function update(s){
        var list=subs(s),n=shown(s),i;
        for(i=0;i<list.length;i++){list[i].classList.toggle('pending',i>=n);}
        var q=function(sel){return s.querySelector(sel);};
        var count=q('.stepper .count');if(count){count.textContent=n+' / '+list.length;}
        var prev=q('[data-act=prev]'),next=q('[data-act=next]'),all=q('[data-act=all]');
        if(prev){prev.disabled=n<=1;}if(next){next.disabled=n>=list.length;}if(all){all.disabled=n>=list.length;}
        var a=document.activeElement;
        if(a&&a.disabled&&s.contains(a)){var alt=[next,prev].filter(function(b){return b&&!b.disabled;})[0];if(alt){alt.focus();}}
        var up=q('.stepper .upnext');
        if(up){var nx=n<list.length?list[n].getAttribute('data-name'):null;up.textContent='';
        if(nx){up.appendChild(document.createTextNode(up.getAttribute('data-label')+' '));var c=document.createElement('code');c.textContent=nx;up.appendChild(c);}}
        }
        function announce(s){
        var say=s.querySelector('.announce');if(!say){return;}
        var list=subs(s),n=shown(s);
        say.textContent=say.getAttribute('data-label')+' '+n+' / '+list.length+': '+(list[n-1].getAttribute('data-name')||'');
        }
        function set(s,n,reveal){
        var list=subs(s),old=shown(s);n=Math.max(1,Math.min(list.length,n));
        s.setAttribute('data-shown',String(n));update(s);current=s;announce(s);
        if(reveal&&n>old){var el=list[n-1];el.classList.remove('revealed');void el.offsetWidth;el.classList.add('revealed');
        if(el.scrollIntoView){el.scrollIntoView({block:'nearest'});}}
        }
        var root=document.documentElement;
        function stepping(){return root.classList.contains('stepping');}
        function mode(on){
        root.classList.toggle('stepping',on);
        steps.forEach(function(s){s.setAttribute('data-shown',String(on?1:subs(s).length));update(s);});current=null;
        }
        mode(location.hash==='#step');
        window.addEventListener('hashchange',function(){if(location.hash==='#step'&&!stepping()){mode(true);}});
        function visible(s){var r=s.getBoundingClientRect();return r.bottom>0&&r.top<(window.innerHeight||document.documentElement.clientHeight);}
        function target(){
        var a=document.activeElement,s=a&&a.closest?a.closest('section.step[data-substeps]'):null;
        if(s){return s;}
        if(current&&visible(current)){return current;}
        var onScreen=steps.filter(visible);
        for(var i=0;i<onScreen.length;i++){if(shown(onScreen[i])<subs(onScreen[i]).length){return onScreen[i];}}
        if(onScreen.length){return onScreen[0];}
        for(var j=0;j<steps.length;j++){if(shown(steps[j])<subs(steps[j]).length){return steps[j];}}
        return steps[0]||null;
        }
        document.addEventListener('click',function(e){
        var b=e.target&&e.target.closest?e.target.closest('button[data-act]'):null;if(!b){return;}
        var act=b.getAttribute('data-act');
        if(act==='show-everything'){mode(false);if(location.hash==='#step'&&history.replaceState){history.replaceState(null,'',location.pathname+location.search);}return;}
        if(act==='step-everything'){mode(true);return;}
        var s=b.closest('section.step');if(!s){return;}
        if(act==='next'){set(s,shown(s)+1,true);}
        else if(act==='prev'){set(s,shown(s)-1,false);}
        else if(act==='all'){set(s,subs(s).length,false);}
        });
        document.addEventListener('keydown',function(e){
        if(e.altKey||e.ctrlKey||e.metaKey||e.shiftKey){return;}
        var t=e.target,tag=t&&t.tagName?t.tagName.toLowerCase():'';
        if(tag==='input'||tag==='textarea'||tag==='select'||(t&&t.isContentEditable)){return;}
        if(!stepping()||(e.key!=='ArrowRight'&&e.key!=='ArrowLeft')){return;}
        var s=target();if(!s){return;}
        var n=shown(s),len=subs(s).length;
        if(e.key==='ArrowRight'&&n<len){set(s,n+1,true);e.preventDefault();}
        else if(e.key==='ArrowLeft'&&n>1){set(s,n-1,false);e.preventDefault();}
        });
        })();
        """
}
