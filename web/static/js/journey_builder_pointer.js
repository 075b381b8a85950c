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

export function attachPointer(svg, ctx) {
  let drag = null;  // {kind: "move"|"edge", id, ...}
  let swallowClick = false;

  svg.addEventListener("pointerdown", (e) => {
    swallowClick = false;
    if (e.button !== 0 || ctx.state.model === null) return;
    const end = e.target.closest(".jb-edge-end");
    const g = e.target.closest(".jb-node");
    if (end) {
      e.preventDefault();
      const from = ctx.state.model.steps.findIndex((x) => x.id === end.dataset.from);
      const dot = end.querySelector(".jb-dot");
      drag = { kind: "edge", index: from, slot: end.dataset.slot, pointer: e.pointerId, cx: e.clientX, cy: e.clientY, x0: Number(dot.getAttribute("cx")), y0: Number(dot.getAttribute("cy")), moved: false };
    } else if (g && !["entry", "end"].includes(g.dataset.step) && (e.pointerType === "mouse" || e.target.closest(".jb-grip"))) {
      const start = ctx.layout().get(g.dataset.step);
      drag = { kind: "move", id: g.dataset.step, pointer: e.pointerId, cx: e.clientX, cy: e.clientY, x0: start.x, y0: start.y, moved: false };
    }
  });

  // Once it moves it is a drag (until then a click): the nodes are redrawn while dragging, so the svg
  // keeps the gesture.
  const started = (e) => {
    drag.moved = true;
    svg.setPointerCapture(e.pointerId);
  };

  svg.addEventListener("pointermove", (e) => {
    if (!drag || e.pointerId !== drag.pointer) return;
    const dx = e.clientX - drag.cx, dy = e.clientY - drag.cy;
    if (!drag.moved && Math.hypot(dx, dy) < SLOP) return;
    if (!drag.moved) started(e);
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
    swallowClick = done.moved;
    svg.querySelector(".jb-drag-line")?.remove();
    if (done.kind === "move") {
      if (done.moved && !cancelled) ctx.moved(done.id);
      return;
    }
    if (!done.moved && !cancelled) { ctx.startConnect(done.index, done.slot); return; }  // a click or tap: then one on the target
    const target = cancelled ? null : nodeAt(e.clientX, e.clientY);
    if (!target || target.dataset.step === "entry") {
      ctx.say(done.moved ? "Drop the end of the edge on a step or on End to point it there." : "");
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
  // A drag ends with a click on whatever is under the pointer; it is not a selection.
  svg.addEventListener("click", (e) => { if (swallowClick) { swallowClick = false; e.stopImmediatePropagation(); } }, true);
}

// A finger drags a palette tool: a ghost follows it, and letting go over the canvas adds the step there.
export function attachTouchPalette(tools, frame, ctx) {
  for (const tool of tools) {
    tool.addEventListener("pointerdown", (e) => {
      if (e.pointerType === "mouse") return;
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
