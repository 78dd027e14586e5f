/// The CSS and JavaScript that only preview pages get (never a handout): live reload over
/// Server-Sent Events, the error overlay, and presenter mode.
enum PreviewAssets {
    static let style = """
        #stepmark-overlay{position:fixed;inset:0;z-index:50;background:rgba(20,10,10,.55);display:flex;align-items:flex-start;justify-content:center;padding:6vh 1rem}
        #stepmark-overlay.dismissed{display:none}
        #stepmark-overlay .box{max-width:60rem;width:100%;background:var(--card);color:var(--fg);border:2px solid var(--bad);border-radius:12px;padding:1rem 1.3rem;box-shadow:0 10px 40px rgba(0,0,0,.35)}
        #stepmark-overlay .head{display:flex;justify-content:space-between;align-items:center;margin:0 0 .6rem;font-weight:700;color:var(--bad)}
        #stepmark-overlay ul{margin:0;padding-left:1.2rem}
        #stepmark-overlay li{margin:.3rem 0;max-width:none}
        #stepmark-overlay code{white-space:pre-wrap;background:transparent;font-size:.95rem}
        #stepmark-overlay .hint{color:var(--muted);font-size:.85rem;margin:.7rem 0 0}
        .presenting body{font-size:26px}
        .presenting main{max-width:none;padding:1rem 2.5rem 5rem}
        .presenting main>*:not(section.step.current),.presenting .toolbar,.presenting footer.page{display:none!important}
        .presenting section.step.current{margin:0;box-shadow:none}
        .presenting .step-head h3{font-size:1.1em}
        .presenting pre.source{font-size:.8em;max-height:30vh;overflow:auto}
        .presenting .substep:not(.current){display:none!important}
        .presenting .substep.current{display:flex!important;flex-wrap:wrap;gap:1rem 2.5rem;align-items:flex-start;padding:1.2rem 1rem;border-top:0}
        .presenting .substep.current .sub-body{order:1;flex:0 1 auto;max-width:100%}
        .presenting .substep.current .sub-head{order:2;flex:1 1 16rem;flex-direction:column;align-items:flex-start;margin:0;position:sticky;top:1rem}
        .presenting .sub-name{font-size:1.3em}
        .presenting .sub-name::before{display:none}
        .presenting .formula{font-size:1.5em}
        .presenting table.m{font-size:1.25em}
        .presenting table.m.wide{font-size:.95em}
        .presenting .scalar{font-size:2.4em}
        .presenting .stepper{display:none!important}
        #stepmark-hud{display:none}
        .presenting #stepmark-hud{display:flex;position:fixed;left:0;right:0;bottom:0;z-index:40;gap:1.2rem;align-items:center;padding:.35rem 1.2rem;font-size:15px;background:var(--soft);border-top:1px solid var(--line);color:var(--muted)}
        #stepmark-hud .where{margin:0;color:var(--fg);font-variant-numeric:tabular-nums;font-weight:600}
        """

    /// Live reload: the server names a page in each event; the page named (or every page, for
    /// `*`) reloads, keeping its scroll position and presenter position across the reload.
    /// Presenter mode (`--present`, or `#present` in the URL): one sub-step at a time in large
    /// type; → / Space / PageDown next, ← / PageUp / Backspace back, n / p next or previous
    /// block, Home / End, Esc leaves it. The position lives in the URL (`#present=3.2`).
    static let script = """
        (function(){
        'use strict';
        var meta=document.querySelector('meta[name=stepmark-preview-page]');
        var page=meta?meta.getAttribute('content'):'';
        var key='stepmark-preview-scroll:'+page;
        try{var y=sessionStorage.getItem(key);if(y!==null){sessionStorage.removeItem(key);window.scrollTo(0,parseFloat(y)||0);}}catch(e){}
        if(window.EventSource){
        var es=new EventSource('/_preview/events');
        es.onopen=function(){document.documentElement.setAttribute('data-preview','connected');};
        es.onmessage=function(e){
        if(e.data!==page&&e.data!=='*'){return;}
        try{sessionStorage.setItem(key,String(window.scrollY||0));}catch(err){}
        location.reload();
        };
        }
        var overlay=document.getElementById('stepmark-overlay');
        function dismiss(){if(overlay){overlay.classList.add('dismissed');}}
        document.addEventListener('click',function(e){var b=e.target&&e.target.closest?e.target.closest('[data-preview=dismiss]'):null;if(b){dismiss();}});
        var root=document.documentElement;
        var steps=Array.prototype.slice.call(document.querySelectorAll('main>section.step'));
        var frames=[];
        steps.forEach(function(s,b){var subs=s.querySelectorAll('.substep');var n=Math.max(1,subs.length);for(var i=0;i<n;i++){frames.push([b,i]);}});
        var at=0,hud=null,ko=root.lang==='ko';
        function fromHash(){var m=/^#present(?:=(\\d+)\\.(\\d+))?$/.exec(location.hash);if(!m){return null;}
        if(!m[1]){return 0;}var b=parseInt(m[1],10)-1,i=parseInt(m[2],10)-1;
        for(var k=0;k<frames.length;k++){if(frames[k][0]===b&&frames[k][1]===i){return k;}}return 0;}
        function show(k){
        if(!frames.length){return;}at=Math.max(0,Math.min(frames.length-1,k));
        var f=frames[at];
        steps.forEach(function(s,b){s.classList.toggle('current',b===f[0]);
        Array.prototype.forEach.call(s.querySelectorAll('.substep'),function(el,i){el.classList.toggle('current',b===f[0]&&i===f[1]);});});
        var subs=steps[f[0]].querySelectorAll('.substep');
        if(hud){hud.querySelector('.where').textContent=(ko?'블록 ':'block ')+(f[0]+1)+' / '+steps.length+(ko?' · 단계 ':' · sub-step ')+(f[1]+1)+' / '+Math.max(1,subs.length);}
        if(history.replaceState){history.replaceState(null,'','#present='+(f[0]+1)+'.'+(f[1]+1));}
        window.scrollTo(0,0);
        }
        function block(dir){var b=frames[at][0]+dir;for(var k=0;k<frames.length;k++){if(frames[k][0]===b&&frames[k][1]===0){show(k);return;}}}
        function start(k){
        root.classList.add('presenting');
        hud=document.createElement('div');hud.id='stepmark-hud';
        var keys=document.createElement('span');keys.textContent=ko?'→ / 스페이스 다음 · ← 이전 · n / p 다음 / 이전 블록 · Esc 나가기':'→ / Space next · ← back · n / p next / previous block · Esc leave';
        var where=document.createElement('span');where.className='where';hud.appendChild(where);hud.appendChild(keys);
        document.body.appendChild(hud);show(k);
        }
        function stop(){root.classList.remove('presenting');if(hud){hud.remove();hud=null;}
        if(history.replaceState){history.replaceState(null,'',location.pathname+location.search);}}
        var wanted=fromHash();
        var forced=!!document.querySelector('meta[name=stepmark-present]');
        if(steps.length&&(forced||wanted!==null)){start(wanted||0);}
        document.addEventListener('keydown',function(e){
        if(e.key==='Escape'){if(overlay&&!overlay.classList.contains('dismissed')){dismiss();}else if(hud){stop();}return;}
        if(!hud||e.altKey||e.ctrlKey||e.metaKey){return;}
        var k=e.key;
        if(k==='ArrowRight'||k===' '||k==='PageDown'||k==='ArrowDown'){show(at+1);}
        else if(k==='ArrowLeft'||k==='PageUp'||k==='Backspace'||k==='ArrowUp'){show(at-1);}
        else if(k==='n'){block(1);}
        else if(k==='p'){block(-1);}
        else if(k==='Home'){show(0);}
        else if(k==='End'){show(frames.length-1);}
        else{return;}
        e.preventDefault();e.stopImmediatePropagation();
        },true);
        })();
        """
}
