/**
 * Parser for Go's text/template (text/template/parse/parse.go is the model):
 * builds a tree per template name — the main text plus every `define` and
 * `block` — and reports errors as `template: NAME:LINE: message`.
 */

import { TemplateError } from "./errors.js";
import { lex, type Token } from "./lex.js";

export interface Pos {
  readonly pos: number;
  /** Name of the text the node was parsed from (Go's ParseName) and that text, for error locations. */
  readonly src: Source;
}

export interface Source {
  readonly name: string;
  readonly text: string;
}

export type ArgNode =
  | ({ type: "field"; ident: string[] } & Pos)
  | ({ type: "variable"; ident: string[] } & Pos)
  | ({ type: "dot" } & Pos)
  | ({ type: "nil" } & Pos)
  | ({ type: "bool"; value: boolean } & Pos)
  | ({ type: "number"; text: string; int?: bigint; float: number } & Pos)
  | ({ type: "string"; value: string; quoted: string } & Pos)
  | ({ type: "identifier"; name: string } & Pos)
  | ({ type: "chain"; node: ArgNode; field: string[] } & Pos)
  | PipeNode;

export interface CommandNode extends Pos {
  type: "command";
  args: ArgNode[];
}

export interface PipeNode extends Pos {
  type: "pipe";
  isAssign: boolean;
  decl: string[];
  cmds: CommandNode[];
}

export type Node =
  | ({ type: "text"; text: string } & Pos)
  | ({ type: "action"; pipe: PipeNode } & Pos)
  | ControlNode
  | ({ type: "template"; name: string; pipe?: PipeNode } & Pos)
  | ({ type: "break" } & Pos)
  | ({ type: "continue" } & Pos);

export interface ControlNode extends Pos {
  type: "if" | "range" | "with";
  pipe: PipeNode;
  list: ListNode;
  elseList?: ListNode;
}

export interface ListNode {
  type: "list";
  nodes: Node[];
}

export type Trees = Map<string, ListNode>;

const MAX_DEPTH = 100;

/** Parses `text` named `name`; returns the trees (main under `name`, plus defines). `funcs` are the names of known functions. */
export function parse(name: string, text: string, funcs: ReadonlySet<string>): Trees {
  return new Parser(name, text, funcs).run();
}

class Parser {
  private toks: Token[];
  private i = 0;
  private vars: string[] = ["$"];
  private rangeDepth = 0;
  private depth = 0;
  private parens = 0;
  private readonly trees: Trees = new Map();
  private readonly src: Source;

  constructor(
    private readonly name: string,
    text: string,
    private readonly funcs: ReadonlySet<string>,
  ) {
    this.src = { name, text };
    this.toks = lex(name, text);
  }

  private fail(tok: Token, msg: string): never {
    throw new TemplateError(`template: ${this.name}:${tok.line}: ${msg}`);
  }

  private peek(): Token {
    return this.toks[this.i];
  }

  private next(): Token {
    return this.toks[this.i++];
  }

  private nextNonSpace(): Token {
    let t = this.next();
    while (t.kind === "space") t = this.next();
    return t;
  }

  private peekNonSpace(): Token {
    const save = this.i;
    const t = this.nextNonSpace();
    this.i = save;
    return t;
  }

  private p(pos: number): Pos {
    return { pos, src: this.src };
  }

  run(): Trees {
    const list: ListNode = { type: "list", nodes: [] };
    for (;;) {
      const t = this.peek();
      if (t.kind === "eof") break;
      if (t.kind === "left") {
        const save = this.i;
        this.next();
        const kw = this.peekNonSpace();
        if (kw.kind === "keyword" && kw.val === "define") {
          this.nextNonSpace();
          this.parseDefine(kw);
          continue;
        }
        this.i = save;
      }
      const n = this.textOrAction();
      if (n === "end" || n === "else") this.fail(this.toks[this.i - 1], `unexpected {{${n}}}`);
      list.nodes.push(n);
    }
    // A main text made only of whitespace next to defines does not replace an earlier tree (Go's IsEmptyTree).
    const empty = list.nodes.every((n) => n.type === "text" && n.text.trim() === "");
    if (!this.trees.has(this.name) || !empty) this.trees.set(this.name, list);
    return this.trees;
  }

  private parseDefine(kw: Token): void {
    const nameTok = this.nextNonSpace();
    const tname = this.stringValue(nameTok, "define clause");
    const close = this.nextNonSpace();
    if (close.kind !== "right") this.fail(close, `unexpected ${describe(close)} in define clause`);
    const saveVars = this.vars;
    this.vars = ["$"];
    const [list, end] = this.itemList(kw);
    this.vars = saveVars;
    if (end !== "end") this.fail(kw, "unexpected {{else}} in define");
    this.addTree(tname, list, kw);
  }

  private addTree(tname: string, list: ListNode, at: Token): void {
    const existing = this.trees.get(tname);
    const empty = list.nodes.every((n) => n.type === "text" && n.text.trim() === "");
    if (existing && !empty) {
      const wasEmpty = existing.nodes.every((n) => n.type === "text" && n.text.trim() === "");
      if (!wasEmpty) this.fail(at, `template: multiple definition of template "${tname}"`);
    }
    if (!existing || !empty) this.trees.set(tname, list);
  }

  private stringValue(t: Token, ctx: string): string {
    if (t.kind === "string")
      return unquote(t.val, () => this.fail(t, `bad quoted string ${t.val}`));
    if (t.kind === "raw") return t.val.slice(1, -1);
    return this.fail(t, `unexpected ${describe(t)} in ${ctx}`);
  }

  /** Parses nodes until {{end}} or {{else}}; returns the list and which ended it. */
  private itemList(start: Token): [ListNode, "end" | "else"] {
    if (++this.depth > MAX_DEPTH) this.fail(start, `max nesting depth ${MAX_DEPTH} exceeded`);
    const list: ListNode = { type: "list", nodes: [] };
    for (;;) {
      if (this.peek().kind === "eof") this.fail(this.peek(), "unexpected EOF");
      const n = this.textOrAction();
      if (n === "end" || n === "else") {
        this.depth--;
        return [list, n];
      }
      list.nodes.push(n);
    }
  }

  private textOrAction(): Node | "end" | "else" {
    const t = this.next();
    if (t.kind === "text") return { type: "text", text: t.val, ...this.p(t.pos) };
    if (t.kind !== "left") this.fail(t, `unexpected ${describe(t)}`);
    return this.action(t);
  }

  private action(left: Token): Node | "end" | "else" {
    const t = this.peekNonSpace();
    if (t.kind === "keyword") {
      this.nextNonSpace();
      switch (t.val) {
        case "end":
          this.expectRight("end");
          return "end";
        case "else":
          return this.elseClause();
        case "if":
        case "range":
        case "with":
          return this.control(t.val, t);
        case "template":
          return this.templateClause(t, false);
        case "block":
          return this.templateClause(t, true);
        case "break":
        case "continue":
          if (this.rangeDepth === 0) this.fail(t, `{{${t.val}}} outside {{range}}`);
          this.expectRight(t.val);
          return { type: t.val, ...this.p(t.pos) };
        case "define":
          this.fail(t, "unexpected define clause: define must be at top level");
      }
    }
    const pipe = this.pipeline("command", "right");
    return { type: "action", pipe, ...this.p(left.pos) };
  }

  private expectRight(ctx: string): void {
    const t = this.nextNonSpace();
    if (t.kind !== "right") this.fail(t, `unexpected ${describe(t)} in ${ctx}`);
  }

  /** `{{else}}`, `{{else if ...}}`, `{{else with ...}}`: the "else" marker; the chained keyword is left for control(). */
  private pendingElseChain: string | undefined;

  private elseClause(): "else" {
    const n = this.peekNonSpace();
    if (n.kind === "keyword" && (n.val === "if" || n.val === "with")) {
      this.pendingElseChain = n.val;
      return "else";
    }
    this.expectRight("else");
    return "else";
  }

  private control(kind: "if" | "range" | "with", t: Token): Node {
    const mark = this.vars.length;
    const pipe = this.pipeline(kind, "right");
    if (kind === "range") this.rangeDepth++;
    const [list, end] = this.itemList(t);
    if (kind === "range") this.rangeDepth--;
    let elseList: ListNode | undefined;
    if (end === "else") {
      const chain = this.pendingElseChain;
      this.pendingElseChain = undefined;
      if (chain !== undefined) {
        if (kind === "range" || chain !== kind) {
          if (!(kind === "if" && chain === "if") && !(kind === "with" && chain === "with")) {
            this.fail(t, `unexpected {{else ${chain}}} in ${kind}`);
          }
        }
        // `{{else if x}}...{{end}}` is `{{else}}{{if x}}...{{end}}{{end}}`: the inner control consumes the end.
        const kwTok = this.nextNonSpace();
        elseList = { type: "list", nodes: [this.control(chain as "if" | "with", kwTok)] };
      } else {
        const [el, end2] = this.itemList(t);
        if (end2 !== "end") this.fail(t, `expected end; found {{else}}`);
        elseList = el;
      }
    }
    this.vars.length = mark;
    return { type: kind, pipe, list, elseList, ...this.p(t.pos) };
  }

  private templateClause(t: Token, block: boolean): Node {
    const ctx = block ? "block clause" : "template clause";
    const nameTok = this.nextNonSpace();
    const tname = this.stringValue(nameTok, ctx);
    let pipe: PipeNode | undefined;
    if (this.peekNonSpace().kind !== "right") pipe = this.pipeline(ctx, "right");
    else this.nextNonSpace();
    if (block) {
      const saveVars = this.vars;
      this.vars = ["$"];
      const [list, end] = this.itemList(t);
      this.vars = saveVars;
      if (end !== "end") this.fail(t, "unexpected {{else}} in block");
      this.addTree(tname, list, t);
    }
    // Go positions a template node at its name.
    return { type: "template", name: tname, pipe, ...this.p(nameTok.pos) };
  }

  /** Parses a pipeline up to the closing token kind (consumed). */
  private pipeline(ctx: string, end: "right" | "rparen"): PipeNode {
    const start = this.peekNonSpace();
    const pipe: PipeNode = {
      type: "pipe",
      isAssign: false,
      decl: [],
      cmds: [],
      ...this.p(start.pos),
    };
    // Declarations: $x := / $x = / $i, $e :=
    const save = this.i;
    const v = this.nextNonSpace();
    let declared = false;
    if (v.kind === "variable") {
      const n = this.nextNonSpace();
      if (n.kind === "declare" || n.kind === "assign") {
        pipe.decl.push(v.val);
        pipe.isAssign = n.kind === "assign";
        declared = true;
      } else if (n.kind === "comma" && (ctx === "range" || ctx === "range")) {
        const v2 = this.nextNonSpace();
        const n2 = this.nextNonSpace();
        if (v2.kind !== "variable" || (n2.kind !== "declare" && n2.kind !== "assign")) {
          this.fail(v2, `range can only initialize variables`);
        }
        pipe.decl.push(v.val, v2.val);
        pipe.isAssign = n2.kind === "assign";
        declared = true;
      } else if (n.kind === "comma") {
        this.fail(n, `too many declarations in ${ctx}`);
      }
    }
    if (!declared) this.i = save;
    else {
      for (const d of pipe.decl) {
        if (pipe.isAssign) {
          if (!this.vars.includes(d)) this.fail(v, `undefined variable "${d}"`);
        }
      }
    }
    for (;;) {
      const t = this.peekNonSpace();
      if (t.kind === end) {
        this.nextNonSpace();
        if (pipe.cmds.length === 0) this.fail(t, `missing value for ${ctx}`);
        break;
      }
      if (t.kind === "eof" || t.kind === "right" || t.kind === "rparen") {
        this.fail(t, `unexpected ${describe(t)} in ${ctx === "command" ? "operand" : ctx}`);
      }
      pipe.cmds.push(this.command(ctx));
      const after = this.peekNonSpace();
      if (after.kind === "pipe") this.nextNonSpace();
    }
    if (declared && !pipe.isAssign) this.vars.push(...pipe.decl);
    for (let k = 1; k < pipe.cmds.length; k++) {
      const first = pipe.cmds[k].args[0];
      if (
        first.type !== "identifier" &&
        first.type !== "field" &&
        first.type !== "variable" &&
        first.type !== "chain"
      ) {
        this.fail(start, `non executable command in pipeline stage ${k + 1}`);
      }
    }
    return pipe;
  }

  private command(ctx: string): CommandNode {
    const start = this.peekNonSpace();
    const cmd: CommandNode = { type: "command", args: [], ...this.p(start.pos) };
    for (;;) {
      const t = this.peekNonSpace();
      if (t.kind === "pipe" || t.kind === "right" || t.kind === "rparen" || t.kind === "eof") break;
      cmd.args.push(this.operand(ctx));
      const sep = this.peek();
      if (
        sep.kind !== "space" &&
        sep.kind !== "pipe" &&
        sep.kind !== "right" &&
        sep.kind !== "rparen"
      ) {
        this.fail(sep, `unexpected ${describe(sep)} in operand`);
      }
    }
    if (cmd.args.length === 0) this.fail(start, "empty command");
    return cmd;
  }

  private operand(ctx: string): ArgNode {
    const t = this.nextNonSpace();
    let node = this.term(t, ctx);
    if (this.peek().kind === "field") {
      // Go positions `.A.B` and `$x.A` at the first chained field, as it builds them from a chain.
      const chainPos = this.peek().pos;
      const fields: string[] = [];
      while (this.peek().kind === "field") fields.push(this.next().val.slice(1));
      if (node.type === "field")
        node = { ...node, ident: [...node.ident, ...fields], pos: chainPos };
      else if (node.type === "variable")
        node = { ...node, ident: [...node.ident, ...fields], pos: chainPos };
      else if (node.type === "chain") node = { ...node, field: [...node.field, ...fields] };
      else {
        if (
          node.type === "bool" ||
          node.type === "string" ||
          node.type === "number" ||
          node.type === "nil" ||
          node.type === "dot"
        ) {
          this.fail(t, `unexpected . after term ${JSON.stringify(t.val)}`);
        }
        node = { type: "chain", node, field: fields, ...this.p(chainPos) };
      }
    }
    return node;
  }

  private term(t: Token, ctx: string): ArgNode {
    const at = this.p(t.pos);
    switch (t.kind) {
      case "ident":
        if (!this.funcs.has(t.val)) this.fail(t, `function "${t.val}" not defined`);
        return { type: "identifier", name: t.val, ...at };
      case "dot":
        return { type: "dot", ...at };
      case "nil":
        return { type: "nil", ...at };
      case "variable":
        if (!this.vars.includes(t.val)) this.fail(t, `undefined variable "${t.val}"`);
        return { type: "variable", ident: [t.val], ...at };
      case "field":
        return { type: "field", ident: [t.val.slice(1)], ...at };
      case "bool":
        return { type: "bool", value: t.val === "true", ...at };
      case "string":
      case "raw":
        return { type: "string", value: this.stringValue(t, ctx), quoted: t.val, ...at };
      case "char":
      case "number":
        return this.number(t);
      case "lparen": {
        if (++this.parens > MAX_DEPTH) this.fail(t, `max expression depth ${MAX_DEPTH} exceeded`);
        const pipe = this.pipeline("parenthesized pipeline", "rparen");
        this.parens--;
        return { ...pipe, pos: t.pos };
      }
    }
    return this.fail(t, `unexpected ${describe(t)} in ${ctx === "command" ? "operand" : ctx}`);
  }

  private number(t: Token): ArgNode {
    const at = this.p(t.pos);
    if (t.kind === "char") {
      const s = unquote(`"${t.val.slice(1, -1).replace(/"/g, '\\"')}"`, () =>
        this.fail(t, `malformed character constant: ${t.val}`),
      );
      const cp = s.codePointAt(0);
      if (cp === undefined || [...s].length !== 1)
        this.fail(t, `malformed character constant: ${t.val}`);
      return { type: "number", text: t.val, int: BigInt(cp), float: cp, ...at };
    }
    const text = t.val.replace(/_/g, "");
    if (text.endsWith("i")) this.fail(t, `complex numbers are not supported: ${t.val}`);
    const isHex = /^[+-]?0[xX]/.test(text);
    const looksFloat = isHex ? /[.pP]/.test(text) : /[.eE]/.test(text);
    if (!looksFloat) {
      let body = text;
      let neg = false;
      if (body.startsWith("-") || body.startsWith("+")) {
        neg = body[0] === "-";
        body = body.slice(1);
      }
      let v: bigint;
      try {
        if (/^0[0-7]+$/.test(body)) v = BigInt(`0o${body.slice(1)}`);
        else v = BigInt(body.toLowerCase());
      } catch {
        return this.fail(t, `illegal number syntax: "${t.val}"`);
      }
      if (neg) v = -v;
      return { type: "number", text: t.val, int: v, float: Number(v), ...at };
    }
    const f = Number(text);
    if (Number.isNaN(f)) this.fail(t, `illegal number syntax: "${t.val}"`);
    return { type: "number", text: t.val, float: f, ...at };
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case "eof":
      return "EOF";
    case "right":
      return `"}}"`;
    case "rparen":
      return `")"`;
    case "space":
      return "space";
    default:
      return JSON.stringify(t.val);
  }
}

const SIMPLE: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
  "'": "'",
};

/** Go's strconv.Unquote for a double-quoted literal. */
export function unquote(q: string, bad: () => never): string {
  const body = q.slice(1, -1);
  let out = "";
  const bytes: number[] = [];
  const flush = () => {
    if (bytes.length) {
      out += Buffer.from(bytes).toString("utf8");
      bytes.length = 0;
    }
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== "\\") {
      flush();
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) bad();
    if (SIMPLE[e] !== undefined) {
      flush();
      out += SIMPLE[e];
    } else if (e === "x") {
      const h = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) bad();
      bytes.push(Number.parseInt(h, 16));
      i += 2;
    } else if (e === "u" || e === "U") {
      const n = e === "u" ? 4 : 8;
      const h = body.slice(i + 1, i + 1 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) bad();
      const cp = Number.parseInt(h, 16);
      if (cp > 0x10ffff) bad();
      flush();
      out += String.fromCodePoint(cp);
      i += n;
    } else if (/[0-7]/.test(e)) {
      const o = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(o)) bad();
      bytes.push(Number.parseInt(o, 8) & 0xff);
      i += 2;
    } else {
      bad();
    }
  }
  flush();
  return out;
}
