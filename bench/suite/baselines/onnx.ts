// Tiny ONNX models built in JS for the onnxruntime-node baseline: a protobuf writer for the few
// fields of ModelProto a one-node graph needs (onnx.proto3: ModelProto, GraphProto, NodeProto,
// AttributeProto, ValueInfoProto, TypeProto, TensorShapeProto), float32 inputs of fixed shapes.

/** Protobuf wire encoding, field by field. */
class Writer {
  private readonly parts: number[] = [];
  private varint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v));
    do {
      let byte = Number(x & 0x7fn);
      x >>= 7n;
      if (x !== 0n) byte |= 0x80;
      this.parts.push(byte);
    } while (x !== 0n);
  }
  int(field: number, v: number): this {
    this.varint((field << 3) | 0);
    this.varint(v);
    return this;
  }
  float(field: number, v: number): this {
    this.varint((field << 3) | 5);
    const b = new Uint8Array(new Float32Array([v]).buffer);
    this.parts.push(...b);
    return this;
  }
  bytes(field: number, b: Uint8Array): this {
    this.varint((field << 3) | 2);
    this.varint(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }
  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  message(field: number, w: Writer): this {
    return this.bytes(field, w.finish());
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** An attribute of the node: an int, a float or a list of ints. */
export type Attribute = number | number[] | { float: number };

/** One node's graph: the op, its float32 inputs and output with their shapes, its attributes. */
export interface OneNodeModel {
  op: string;
  inputs: { name: string; shape: number[] }[];
  output: { name: string; shape: number[] };
  attributes?: Record<string, Attribute>;
  opset?: number;
}

function valueInfo(name: string, shape: number[]): Writer {
  const dims = new Writer();
  for (const d of shape) dims.message(1, new Writer().int(1, d));
  const tensor = new Writer().int(1, 1 /* FLOAT */).message(2, dims);
  return new Writer().string(1, name).message(2, new Writer().message(1, tensor));
}

function attribute(name: string, a: Attribute): Writer {
  const w = new Writer().string(1, name);
  if (typeof a === "number") return w.int(3, a).int(20, 2 /* INT */);
  if (Array.isArray(a)) {
    for (const v of a) w.int(8, v);
    return w.int(20, 7 /* INTS */);
  }
  return w.float(2, a.float).int(20, 1 /* FLOAT */);
}

/** The serialized ModelProto of `m`. */
export function oneNodeModel(m: OneNodeModel): Uint8Array {
  const node = new Writer();
  for (const i of m.inputs) node.string(1, i.name);
  node.string(2, m.output.name).string(3, "node").string(4, m.op);
  for (const [k, v] of Object.entries(m.attributes ?? {})) node.message(5, attribute(k, v));
  const graph = new Writer().message(1, node).string(2, "tejit_bench");
  for (const i of m.inputs) graph.message(11, valueInfo(i.name, i.shape));
  graph.message(12, valueInfo(m.output.name, m.output.shape));
  return new Writer()
    .int(1, 8) // ir_version
    .string(2, "tejit-bench")
    .message(7, graph)
    .message(8, new Writer().string(1, "").int(2, m.opset ?? 17))
    .finish();
}
