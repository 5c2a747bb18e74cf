/**
 * Executes parsed templates with Go's text/template semantics
 * (text/template/exec.go is the model): pipelines, variables and their
 * scopes, fields and methods on data, control structures, template calls.
 * Evaluation is async so functions may return Promises (Prometheus's
 * `query`). Bounded: output size, range iterations, template call depth.
 */

import { TemplateError } from "./errors.js";
import type {
  ArgNode,
  CommandNode,
  ControlNode,
  ListNode,
  Node,
  PipeNode,
  Pos,
  Trees,
} from "./parse.js";
import { compareKeys, isTrue, printValue, SafeHTML, typeName } from "./values.js";

/** A template function: gets evaluated arguments, returns a value or a Promise; throws Error for "error calling". */
export type GoFunc = ((...args: never[]) => unknown) & { variadic?: number };

export type FuncMap = ReadonlyMap<string, GoFunc>;

/** Marks a function as variadic with at least `min` arguments. */
export function variadic<F extends (...args: never[]) => unknown>(
  min: number,
  fn: F,
): F & { variadic: number } {
  return Object.assign(fn, { variadic: min });
}

/** A wrong argument type: reported without Go's "error calling" prefix, like Go's evalArg. */
export class ArgTypeError extends Error {}

export interface ExecLimits {
  readonly maxOutputBytes: number;
  readonly maxRangeIterations: number;
  readonly maxDepth: number;
  /** Nodes walked per rendering: bounds templates that call themselves several times (2^depth work). */
  readonly maxSteps: number;
}

export const DEFAULT_LIMITS: ExecLimits = {
  maxOutputBytes: 1 << 20,
  maxRangeIterations: 100_000,
  maxDepth: 100,
  maxSteps: 1_000_000,
};

const HTML_ESCAPES: Record<string, string> = {
  "\0": "\uFFFD",
  '"': "&#34;",
  "&": "&amp;",
  "'": "&#39;",
  "+": "&#43;",
  "<": "&lt;",
  ">": "&gt;",
};

/** html/template's escaping of text in HTML content. */
export function htmlEscape(s: string): string {
  return s.replace(/[\0"&'+<>]/g, (c) => HTML_ESCAPES[c]);
}

class Break {}
class Continue {}

interface Variable {
  name: string;
  value: unknown;
}

export interface ExecOptions {
  readonly trees: Trees;
  readonly funcs: FuncMap;
  readonly limits?: ExecLimits;
  /** Escape interpolated values for HTML (html/template-style, text context only). */
  readonly html?: boolean;
}

/** Executes template `name` with `data`; throws TemplateError. */
export async function execute(name: string, data: unknown, opts: ExecOptions): Promise<string> {
  const ex = new Executor(opts);
  const tree = opts.trees.get(name);
  if (!tree) {
    throw new TemplateError(`template: no template "${name}" associated with template "${name}"`);
  }
  await ex.run(name, tree, data, 0);
  return ex.out;
}

class Executor {
  out = "";
  private iterations = 0;
  private steps = 0;
  private readonly limits: ExecLimits;
  private tmplName = "";
  private node: (Pos & { type: string }) | undefined;
  private vars: Variable[] = [];

  constructor(private readonly opts: ExecOptions) {
    this.limits = opts.limits ?? DEFAULT_LIMITS;
  }

  async run(name: string, tree: ListNode, dot: unknown, depth: number): Promise<void> {
    const saveName = this.tmplName;
    const saveVars = this.vars;
    this.tmplName = name;
    this.vars = [{ name: "$", value: dot }];
    try {
      await this.walkList(dot, tree, depth);
    } finally {
      this.tmplName = saveName;
      this.vars = saveVars;
    }
  }

  private errorf(msg: string): never {
    const n = this.node;
    if (!n) throw new TemplateError(`template: ${this.tmplName}: ${msg}`);
    const before = n.src.text.slice(0, n.pos);
    const nl = before.lastIndexOf("\n");
    const col = nl < 0 ? n.pos : n.pos - (nl + 1);
    const line = 1 + (before.match(/\n/g)?.length ?? 0);
    const ctx = nodeString(n as Node | ArgNode | CommandNode);
    throw new TemplateError(
      `template: ${n.src.name}:${line}:${col}: executing "${this.tmplName}" at <${ctx}>: ${msg}`,
    );
  }

  private write(s: string): void {
    this.out += s;
    if (
      this.out.length > this.limits.maxOutputBytes &&
      Buffer.byteLength(this.out) > this.limits.maxOutputBytes
    ) {
      this.errorf(`output exceeds ${this.limits.maxOutputBytes} bytes`);
    }
  }

  private async walkList(dot: unknown, list: ListNode, depth: number): Promise<void> {
    for (const n of list.nodes) await this.walk(dot, n, depth);
  }

  private async walk(dot: unknown, n: Node, depth: number): Promise<void> {
    if (++this.steps > this.limits.maxSteps) {
      this.node = n;
      this.errorf(`execution exceeds ${this.limits.maxSteps} steps`);
    }
    switch (n.type) {
      case "text":
        this.write(n.text);
        return;
      case "action": {
        this.node = n;
        const v = await this.evalPipeline(dot, n.pipe);
        if (n.pipe.decl.length === 0) {
          this.node = n;
          this.write(this.printed(v));
        }
        return;
      }
      case "if":
      case "with": {
        const mark = this.vars.length;
        try {
          const v = await this.evalPipeline(dot, n.pipe);
          if (isTrue(v)) await this.walkList(n.type === "with" ? v : dot, n.list, depth);
          else if (n.elseList) await this.walkList(dot, n.elseList, depth);
        } finally {
          this.vars.length = mark;
        }
        return;
      }
      case "range":
        return this.walkRange(dot, n, depth);
      case "template": {
        this.node = n;
        const tree = this.opts.trees.get(n.name);
        if (!tree) this.errorf(`template "${n.name}" not defined`);
        if (depth + 1 > this.limits.maxDepth) {
          this.errorf(`exceeded maximum template depth (${this.limits.maxDepth})`);
        }
        const v = n.pipe ? await this.evalPipeline(dot, n.pipe) : undefined;
        await this.run(n.name, tree, v, depth + 1);
        return;
      }
      case "break":
        throw new Break();
      case "continue":
        throw new Continue();
    }
  }

  private printed(v: unknown): string {
    if (typeof v === "function") this.errorf(`can't print ${typeName(v)} of type func`);
    if (this.opts.html) {
      if (v instanceof SafeHTML) return v.value;
      // html/template prints a missing value as nothing rather than "<no value>".
      if (v === undefined) return "";
      return htmlEscape(printValue(v));
    }
    return printValue(v);
  }

  private async walkRange(dot: unknown, n: ControlNode, depth: number): Promise<void> {
    const mark = this.vars.length;
    try {
      this.node = n;
      const v = await this.evalPipeline(dot, n.pipe);
      const mark2 = this.vars.length;
      const one = async (key: unknown, elem: unknown): Promise<boolean> => {
        if (++this.iterations > this.limits.maxRangeIterations) {
          this.node = n;
          this.errorf(`range iterations exceed ${this.limits.maxRangeIterations}`);
        }
        if (n.pipe.decl.length > 0) {
          if (n.pipe.isAssign) {
            if (n.pipe.decl.length > 1) {
              this.setVar(n.pipe.decl[0], key);
              this.setVar(n.pipe.decl[1], elem);
            } else this.setVar(n.pipe.decl[0], elem);
          } else {
            if (n.pipe.decl.length > 1) {
              this.vars[mark2 - 2].value = key;
              this.vars[mark2 - 1].value = elem;
            } else this.vars[mark2 - 1].value = elem;
          }
        }
        try {
          await this.walkList(elem, n.list, depth);
        } catch (e) {
          if (e instanceof Continue) return true;
          if (e instanceof Break) return false;
          throw e;
        } finally {
          this.vars.length = mark2;
        }
        return true;
      };
      let any = false;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          any = true;
          if (!(await one(BigInt(i), v[i]))) break;
        }
      } else if (v instanceof Map) {
        const keys = [...v.keys()].sort(compareKeys);
        for (const k of keys) {
          any = true;
          if (!(await one(k, v.get(k)))) break;
        }
      } else if (typeof v === "bigint") {
        if (n.pipe.decl.length > 1)
          this.errorf("can't use int to iterate over more than one variable");
        for (let i = 0n; i < v; i++) {
          any = true;
          if (!(await one(i, i))) break;
        }
      } else if (v !== undefined && v !== null) {
        this.node = n;
        this.errorf(`range can't iterate over ${printValue(v)}`);
      }
      if (!any && n.elseList) await this.walkList(dot, n.elseList, depth);
    } finally {
      this.vars.length = mark;
    }
  }

  private setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) {
        this.vars[i].value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) return this.vars[i].value;
    }
    return this.errorf(`undefined variable: ${name}`);
  }

  private async evalPipeline(dot: unknown, pipe: PipeNode): Promise<unknown> {
    this.node = pipe;
    let value: unknown;
    let first = true;
    for (const cmd of pipe.cmds) {
      value = await this.evalCommand(dot, cmd, first ? NO_FINAL : value);
      first = false;
    }
    for (const name of pipe.decl) {
      if (pipe.isAssign) this.setVar(name, value);
      else this.vars.push({ name, value });
    }
    return value;
  }

  private async evalCommand(dot: unknown, cmd: CommandNode, final: unknown): Promise<unknown> {
    const first = cmd.args[0];
    const rest = cmd.args.slice(1);
    switch (first.type) {
      case "field":
        return this.evalFields(dot, dot, first, first.ident, rest, final);
      case "chain": {
        const recv = await this.evalArg(dot, first.node);
        return this.evalFields(dot, recv, first, first.field, rest, final);
      }
      case "identifier":
        return this.evalFunction(dot, first, cmd, rest, final);
      case "pipe":
        this.notAFunction(first, cmd.args, final);
        return this.evalPipeline(dot, first);
      case "variable": {
        const v = this.varValue(first.ident[0]);
        if (first.ident.length === 1) {
          this.notAFunction(first, cmd.args, final);
          return v;
        }
        return this.evalFields(dot, v, first, first.ident.slice(1), rest, final);
      }
    }
    this.notAFunction(first, cmd.args, final);
    this.node = first;
    switch (first.type) {
      case "bool":
        return first.value;
      case "dot":
        return dot;
      case "nil":
        return this.errorf("nil is not a command");
      case "number":
        return first.int !== undefined ? first.int : first.float;
      case "string":
        return first.value;
    }
    return this.errorf(`can't evaluate command ${JSON.stringify(first)}`);
  }

  private notAFunction(at: ArgNode, args: ArgNode[], final: unknown): void {
    if (args.length > 1 || final !== NO_FINAL) {
      this.node = at;
      this.errorf(`can't give argument to non-function ${nodeString(args[0])}`);
    }
  }

  private async evalArg(dot: unknown, n: ArgNode): Promise<unknown> {
    this.node = n;
    switch (n.type) {
      case "dot":
        return dot;
      case "nil":
        return null;
      case "bool":
        return n.value;
      case "number":
        return n.int !== undefined ? n.int : n.float;
      case "string":
        return n.value;
      case "field":
        return this.evalFields(dot, dot, n, n.ident, [], NO_FINAL);
      case "variable": {
        const v = this.varValue(n.ident[0]);
        return n.ident.length === 1
          ? v
          : this.evalFields(dot, v, n, n.ident.slice(1), [], NO_FINAL);
      }
      case "pipe":
        return this.evalPipeline(dot, n);
      case "identifier":
        return this.evalFunction(dot, n, n, [], NO_FINAL);
      case "chain": {
        const recv = await this.evalArg(dot, n.node);
        return this.evalFields(dot, recv, n, n.field, [], NO_FINAL);
      }
    }
  }

  /** Walks `.A.B.C` from `recv`; the last one may be a method called with args (and the pipeline's final value). */
  private async evalFields(
    dot: unknown,
    recv: unknown,
    at: ArgNode,
    idents: string[],
    args: ArgNode[],
    final: unknown,
  ): Promise<unknown> {
    let v = recv;
    for (let i = 0; i < idents.length; i++) {
      const last = i === idents.length - 1;
      v = await this.evalField(dot, idents[i], at, last ? args : [], last ? final : NO_FINAL, v);
    }
    return v;
  }

  private async evalField(
    dot: unknown,
    name: string,
    at: ArgNode,
    args: ArgNode[],
    final: unknown,
    recv: unknown,
  ): Promise<unknown> {
    this.node = at;
    const hasArgs = args.length > 0 || final !== NO_FINAL;
    // A field of an invalid value (missing key, nil data) is invalid too; of nil it is an error.
    if (recv === undefined) return undefined;
    if (recv === null) this.errorf(`nil pointer evaluating interface {}.${name}`);
    const obj = recv as Record<string, unknown>;
    const isObject = typeof recv === "object";
    const member = isObject && /^\p{Lu}/u.test(name) ? obj[name] : undefined;
    if (typeof member === "function") {
      const vals: unknown[] = [];
      for (const a of args) vals.push(await this.evalArg(dot, a));
      if (final !== NO_FINAL) vals.push(final);
      this.node = at;
      const fn = member as (...a: unknown[]) => unknown;
      const want = fn.length;
      if (vals.length !== want) {
        this.errorf(`wrong number of args for ${name}: want ${want} got ${vals.length}`);
      }
      try {
        return await fn.apply(recv, vals);
      } catch (e) {
        if (e instanceof TemplateError) throw e;
        this.node = at;
        return this.errorf(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (recv instanceof Map) {
      if (hasArgs) this.errorf(`${name} is not a method but has arguments`);
      return recv.get(name);
    }
    if (isObject && !Array.isArray(recv) && Object.hasOwn(obj, name)) {
      if (hasArgs) this.errorf(`${name} has arguments but cannot be invoked as function`);
      return member ?? obj[name];
    }
    return this.errorf(`can't evaluate field ${name} in type ${typeName(recv)}`);
  }

  private async evalFunction(
    dot: unknown,
    n: Extract<ArgNode, { type: "identifier" }>,
    cmd: CommandNode | ArgNode,
    args: ArgNode[],
    final: unknown,
  ): Promise<unknown> {
    this.node = n;
    const name = n.name;
    const fn = this.opts.funcs.get(name);
    if (!fn) return this.errorf(`"${name}" is not a defined function`);
    const argc = args.length + (final !== NO_FINAL ? 1 : 0);
    if (name === "and" || name === "or") {
      if (argc < 1) this.errorf(`wrong number of args for ${name}: want at least 1 got 0`);
      // Go 1.18+: evaluation stops at the first argument that decides the result.
      let v: unknown;
      for (const a of args) {
        v = await this.evalArg(dot, a);
        if (isTrue(v) === (name === "or")) return v;
      }
      if (final !== NO_FINAL) v = final;
      return v;
    }
    const vals: unknown[] = [];
    for (const a of args) vals.push(await this.evalArg(dot, a));
    if (final !== NO_FINAL) vals.push(final);
    this.node = n;
    if (fn.variadic !== undefined) {
      if (vals.length < fn.variadic) {
        this.errorf(
          `wrong number of args for ${name}: want at least ${fn.variadic} got ${vals.length}`,
        );
      }
    } else if (vals.length !== fn.length) {
      this.errorf(`wrong number of args for ${name}: want ${fn.length} got ${vals.length}`);
    }
    // Go reports call errors at the whole command (`humanize "one"`).
    this.node = cmd;
    try {
      return await (fn as (...a: unknown[]) => unknown)(...vals);
    } catch (e) {
      if (e instanceof TemplateError) throw e;
      this.node = cmd;
      if (e instanceof ArgTypeError) return this.errorf(e.message);
      return this.errorf(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** Sentinel: no value piped in from a previous command. */
const NO_FINAL = Symbol("no final");

/** The source form of a node, for error contexts (Go's Node.String()). */
export function nodeString(n: Node | ArgNode | CommandNode): string {
  switch (n.type) {
    case "field":
      return `.${n.ident.join(".")}`;
    case "variable":
      return n.ident.join(".");
    case "dot":
      return ".";
    case "nil":
      return "nil";
    case "bool":
      return String(n.value);
    case "number":
      return n.text;
    case "string":
      return n.quoted;
    case "identifier":
      return n.name;
    case "chain":
      return `${nodeString(n.node)}.${n.field.join(".")}`;
    case "pipe": {
      const decl = n.decl.length ? `${n.decl.join(", ")} ${n.isAssign ? "=" : ":="} ` : "";
      return `${decl}${n.cmds.map(nodeString).join(" | ")}`;
    }
    case "command":
      return n.args
        .map((a) => (a.type === "pipe" ? `(${nodeString(a)})` : nodeString(a)))
        .join(" ");
    case "action":
      return `{{${nodeString(n.pipe)}}}`;
    case "template":
      return `{{template ${JSON.stringify(n.name)}${n.pipe ? ` ${nodeString(n.pipe)}` : ""}}}`;
    case "text":
      return n.text;
    case "if":
    case "range":
    case "with":
      return `{{${n.type} ${nodeString(n.pipe)}}}`;
    case "break":
      return "{{break}}";
    case "continue":
      return "{{continue}}";
  }
}
