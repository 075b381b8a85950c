// The builder's pointer gestures, one code path for mouse, pen and touch (pointer events): moving a step
// (anywhere on it with a mouse; by its grip on a touch screen, so a finger elsewhere still scrolls the
// page), dragging an edge's end handle onto another step to point the edge there, and dragging a palette
// tool onto the canvas with a finger (a mouse uses the palette's HTML drag and drop). The keyboard paths
// for the same actions are in journey_builder.js.
const SVG = "http://www.w3.org/2000/svg";
const SLOP = 5;  // px a pointer travels before a press becomes a drag (below it, it is a click)
const GRID = 10;  // moved steps snap to it, so they line up

// The step (or End) under a point, whatever is being dragged over it.
function nodeAt(x, y) {
  for (const hit of document.elementsFromPoint(x, y)) {
    const g = hit.closest && hit.closest(".jb-node");
    if (g) return g;
  }
  return null;
}

// A press on a step is a tap (select it) unless it moves: selection happens on the pointer's release,
// by the step's id, because the canvas may be redrawn (a validation arriving) between press and release,
// and a click whose press landed on a node that has since been replaced never comes.
export function attachPointer(svg, ctx) {
  let drag = null;  // {kind: "move" | "tap" | "edge", ...}

  svg.addEventListener("pointerdown", (e) => {
    if (e.button !== 0 || ctx.state.model === null) return;
    const end = e.target.closest(".jb-edge-end");
    const g = e.target.closest(".jb-node");
    const at = { pointer: e.pointerId, cx: e.clientX, cy: e.clientY, moved: false };
    if (end) {
      e.preventDefault();
      const from = ctx.state.model.steps.findIndex((x) => x.id === end.dataset.from);
      const dot = end.querySelector(".jb-dot");
      drag = { ...at, kind: "edge", index: from, slot: end.dataset.slot, x0: Number(dot.getAttribute("cx")), y0: Number(dot.getAttribute("cy")) };
    } else if (g) {
      const movable = !["entry", "end"].includes(g.dataset.step) && (e.pointerType === "mouse" || e.target.closest(".jb-grip"));
      const start = ctx.layout().get(g.dataset.step);
      drag = { ...at, kind: movable ? "move" : "tap", id: g.dataset.step, x0: start.x, y0: start.y };
    } else {
      drag = null;
    }
  });

  // Once it moves it is a drag: the nodes are redrawn while dragging, so the svg keeps the gesture.
  const started = (e) => {
    drag.moved = true;
    if (drag.kind !== "tap") svg.setPointerCapture(e.pointerId);
  };

  svg.addEventListener("pointermove", (e) => {
    if (!drag || e.pointerId !== drag.pointer) return;
    const dx = e.clientX - drag.cx, dy = e.clientY - drag.cy;
    if (!drag.moved && Math.hypot(dx, dy) < SLOP) return;
    if (!drag.moved) started(e);
    if (drag.kind === "tap") return;  // a finger off the grip: the page scrolls
    if (drag.kind === "move") {
      const snap = (v) => Math.max(0, Math.round(v / GRID) * GRID);
      ctx.state.positions[drag.id] = { x: snap(drag.x0 + dx), y: snap(drag.y0 + dy) };
      ctx.draw();
      return;
    }
    const box = svg.getBoundingClientRect();
    let line = svg.querySelector(".jb-drag-line");
    if (!line) {
      line = document.createElementNS(SVG, "path");
      line.setAttribute("class", "jb-drag-line");
      svg.append(line);
    }
    line.setAttribute("d", `M${drag.x0},${drag.y0} L${e.clientX - box.left},${e.clientY - box.top}`);
    for (const n of svg.querySelectorAll(".jb-node.drop-target")) n.classList.remove("drop-target");
    nodeAt(e.clientX, e.clientY)?.classList.add("drop-target");
  });

  const finish = (e, cancelled) => {
    if (!drag || e.pointerId !== drag.pointer) return;
    const done = drag;
    drag = null;
    if (svg.hasPointerCapture(e.pointerId)) svg.releasePointerCapture(e.pointerId);
    svg.querySelector(".jb-drag-line")?.remove();
    if (cancelled) { ctx.draw(); return; }
    if (done.kind !== "edge") {
      if (!done.moved) ctx.tapped(done.id);
      else if (done.kind === "move") ctx.moved(done.id);
      return;
    }
    if (!done.moved) { ctx.startConnect(done.index, done.slot); return; }  // a click or tap: then one on the target
    const target = nodeAt(e.clientX, e.clientY);
    if (!target || target.dataset.step === "entry") {
      ctx.say("Drop the end of the edge on a step or on End to point it there.");
      ctx.draw();
      return;
    }
    ctx.setSlot(done.index, done.slot, ctx.indexOfNode(target));
  };
  // A finger on a grip or an edge's handle drags it rather than scrolling the page (touch-action is not
  // honoured on every SVG element; cancelling the touch start is).
  svg.addEventListener("touchstart", (e) => { if (e.target.closest(".jb-grip, .jb-edge-end")) e.preventDefault(); }, { passive: false });
  svg.addEventListener("pointerup", (e) => finish(e, false));
  svg.addEventListener("pointercancel", (e) => finish(e, true));
}

// A finger drags a palette tool: a ghost follows it, and letting go over the canvas adds the step there.
export function attachTouchPalette(tools, frame, ctx) {
  for (const tool of tools) {
    let finger = false;
    // A long press on a draggable button starts the browser's own drag on some phones: ours does it here.
    tool.addEventListener("dragstart", (e) => { if (finger) e.preventDefault(); });
    tool.addEventListener("pointerdown", (e) => {
      finger = e.pointerType !== "mouse";
      if (!finger) return;
      const start = { x: e.clientX, y: e.clientY };
      let ghost = null;
      const move = (ev) => {
        if (!ghost && Math.hypot(ev.clientX - start.x, ev.clientY - start.y) < SLOP * 2) return;
        if (!ghost) {
          ghost = tool.cloneNode(true);
          ghost.classList.add("jb-ghost");
          ghost.removeAttribute("id");
          document.body.append(ghost);
        }
        ghost.style.left = `${ev.clientX - 40}px`;
        ghost.style.top = `${ev.clientY - 20}px`;
        const box = frame.getBoundingClientRect();
        frame.classList.toggle("drop", ev.clientX >= box.left && ev.clientX <= box.right && ev.clientY >= box.top && ev.clientY <= box.bottom);
      };
      const up = (ev) => {
        tool.removeEventListener("pointermove", move);
        tool.removeEventListener("pointerup", up);
        tool.removeEventListener("pointercancel", up);
        if (!ghost) return;  // a tap: its click adds after the selected step (a drag makes no click)
        ghost.remove();
        const over = frame.classList.contains("drop");
        frame.classList.remove("drop");
        if (over && ev.type === "pointerup") ctx.dropAt(tool.dataset.kind, ev.clientY);
      };
      tool.setPointerCapture(e.pointerId);
      tool.addEventListener("pointermove", move);
      tool.addEventListener("pointerup", up);
      tool.addEventListener("pointercancel", up);
    });
  }
}
