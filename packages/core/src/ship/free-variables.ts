import { type Node, parse } from 'acorn';

type AnyNode = Node & Record<string, unknown>;

/** Parses a function's `toString()` as an expression; method shorthand is wrapped in an object. */
export function parseFunctionSource(src: string): { node: AnyNode; wrapped: boolean } {
  const opts = { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true } as const;
  try {
    const prog = parse(`(${src})`, opts) as unknown as AnyNode;
    return { node: ((prog.body as AnyNode[])[0] as AnyNode).expression as AnyNode, wrapped: false };
  } catch {
    const prog = parse(`({${src}})`, opts) as unknown as AnyNode;
    const obj = ((prog.body as AnyNode[])[0] as AnyNode).expression as AnyNode;
    return { node: ((obj.properties as AnyNode[])[0] as AnyNode).value as AnyNode, wrapped: true };
  }
}

function declarePattern(p: AnyNode | null | undefined, into: Set<string>): void {
  if (!p) return;
  switch (p.type) {
    case 'Identifier':
      into.add(p.name as string);
      break;
    case 'ObjectPattern':
      for (const prop of p.properties as AnyNode[])
        declarePattern((prop.type === 'RestElement' ? prop.argument : prop.value) as AnyNode, into);
      break;
    case 'ArrayPattern':
      for (const el of p.elements as (AnyNode | null)[]) declarePattern(el, into);
      break;
    case 'RestElement':
      declarePattern(p.argument as AnyNode, into);
      break;
    case 'AssignmentPattern':
      declarePattern(p.left as AnyNode, into);
      break;
  }
}

/** Names declared directly in a block or function body (hoisting is approximated per block). */
function collectDeclarations(stmts: AnyNode[], into: Set<string>): void {
  for (const s of stmts) {
    if (s.type === 'VariableDeclaration')
      for (const d of s.declarations as AnyNode[]) declarePattern(d.id as AnyNode, into);
    else if ((s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration') && s.id)
      into.add((s.id as AnyNode).name as string);
    else if (s.type === 'ExportNamedDeclaration' && s.declaration)
      collectDeclarations([s.declaration as AnyNode], into);
  }
  // `var` is function-scoped: find nested var declarations too.
  const visitVar = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) {
      for (const x of n) visitVar(x);
      return;
    }
    const node = n as AnyNode;
    if (typeof node.type !== 'string') return;
    if (/Function/.test(node.type)) return;
    if (node.type === 'VariableDeclaration' && node.kind === 'var')
      for (const d of node.declarations as AnyNode[]) declarePattern(d.id as AnyNode, into);
    for (const k of Object.keys(node)) if (k !== 'type') visitVar(node[k]);
  };
  for (const s of stmts) if (s.type !== 'FunctionDeclaration') visitVar(s);
}

/**
 * Free variables of a function: every identifier it reads that it does not declare itself.
 * Globals are not filtered here.
 */
export function freeVariables(fnNode: AnyNode): Set<string> {
  const free = new Set<string>();
  const walk = (n: unknown, scope: readonly Set<string>[]): void => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) {
      for (const x of n) walk(x, scope);
      return;
    }
    const node = n as AnyNode;
    if (typeof node.type !== 'string') return;
    const inScope = (name: string) => scope.some((s) => s.has(name));
    switch (node.type) {
      case 'Identifier':
        if (!inScope(node.name as string)) free.add(node.name as string);
        return;
      case 'FunctionExpression':
      case 'FunctionDeclaration':
      case 'ArrowFunctionExpression': {
        const own = new Set<string>(['arguments']);
        if (node.type === 'FunctionExpression' && node.id) own.add((node.id as AnyNode).name as string);
        for (const p of node.params as AnyNode[]) declarePattern(p, own);
        const body = node.body as AnyNode;
        if (body.type === 'BlockStatement') collectDeclarations(body.body as AnyNode[], own);
        const inner = [...scope, own];
        for (const p of node.params as AnyNode[]) walkPatternDefaults(p, inner);
        if (body.type === 'BlockStatement') walk(body.body, inner);
        else walk(body, inner);
        return;
      }
      case 'ClassExpression':
      case 'ClassDeclaration': {
        const own = new Set<string>();
        if (node.id) own.add((node.id as AnyNode).name as string);
        walk(node.superClass, scope);
        walk(node.body, [...scope, own]);
        return;
      }
      case 'BlockStatement':
      case 'StaticBlock': {
        const own = new Set<string>();
        collectDeclarations(node.body as AnyNode[], own);
        walk(node.body, [...scope, own]);
        return;
      }
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement': {
        const own = new Set<string>();
        const head = (node.init ?? node.left) as AnyNode | null;
        if (head?.type === 'VariableDeclaration')
          for (const d of head.declarations as AnyNode[]) declarePattern(d.id as AnyNode, own);
        const inner = [...scope, own];
        for (const k of ['init', 'test', 'update', 'left', 'right', 'body']) walk(node[k], inner);
        return;
      }
      case 'CatchClause': {
        const own = new Set<string>();
        declarePattern(node.param as AnyNode, own);
        walk(node.body, [...scope, own]);
        return;
      }
      case 'VariableDeclarator':
        walkPatternDefaults(node.id as AnyNode, scope);
        walk(node.init, scope);
        return;
      case 'MemberExpression':
        walk(node.object, scope);
        if (node.computed) walk(node.property, scope);
        return;
      case 'Property':
      case 'PropertyDefinition':
      case 'MethodDefinition':
        if (node.computed) walk(node.key, scope);
        if (node.type === 'Property' && node.shorthand && (node.value as AnyNode).type === 'Identifier')
          walk(node.value, scope);
        else walk(node.value, scope);
        return;
      case 'LabeledStatement':
        walk(node.body, scope);
        return;
      case 'BreakStatement':
      case 'ContinueStatement':
      case 'MetaProperty':
      case 'ThisExpression':
      case 'Super':
        return;
      default:
        for (const k of Object.keys(node)) {
          if (k === 'type' || k === 'start' || k === 'end' || k === 'loc' || k === 'range') continue;
          walk(node[k], scope);
        }
    }
  };
  // Default values and computed keys inside patterns are expressions; the bound names are not.
  const walkPatternDefaults = (p: AnyNode | null | undefined, scope: readonly Set<string>[]): void => {
    if (!p) return;
    if (p.type === 'AssignmentPattern') {
      walkPatternDefaults(p.left as AnyNode, scope);
      walk(p.right, scope);
    } else if (p.type === 'ObjectPattern') {
      for (const prop of p.properties as AnyNode[]) {
        if (prop.type === 'RestElement') walkPatternDefaults(prop.argument as AnyNode, scope);
        else {
          if (prop.computed) walk(prop.key, scope);
          walkPatternDefaults(prop.value as AnyNode, scope);
        }
      }
    } else if (p.type === 'ArrayPattern') {
      for (const el of p.elements as (AnyNode | null)[]) walkPatternDefaults(el, scope);
    } else if (p.type === 'RestElement') walkPatternDefaults(p.argument as AnyNode, scope);
  };
  walk(fnNode, []);
  return free;
}
