import assert from "node:assert/strict";
import { UsageError } from "../args.ts";
import { dataSpecFromArgs } from "./data_flags.ts";

Deno.test("a built-in dataset's size flags are refused beside the other built-in dataset, noted beside --data", async () => {
  const refused = async (values: Record<string, unknown>, message: RegExp) => {
    await assert.rejects(dataSpecFromArgs(values, ["train"]), (e: Error) => {
      assert.ok(e instanceof UsageError, String(e));
      assert.match(e.message, message);
      return true;
    });
  };
  await refused(
    { "digits-train": "10" },
    /--digits-train sizes the built-in digits dataset: add --dataset digits, or drop it \(the data here is the synthetic set\)/,
  );
  await refused(
    { dataset: "digits", "synthetic-size": "64" },
    /--synthetic-size sizes the built-in synthetic dataset: add --dataset synthetic, or drop it \(the data here is --dataset digits\)/,
  );
  // Beside --data they are only said to be ignored (the folder's own errors come first).
  const spec = await dataSpecFromArgs({ data: "/somewhere", "digits-size": "64" }, ["train"]);
  assert.equal(spec.kind, "folder");
  // Each family's own flags are taken.
  const digits = await dataSpecFromArgs({ dataset: "digits", "digits-train": "10" }, ["train"]);
  assert.equal(digits.kind === "digits" && digits.counts.train, 10);
  const synthetic = await dataSpecFromArgs({ "synthetic-train": "12" }, ["train"]);
  assert.equal(synthetic.kind === "synthetic" && synthetic.counts.train, 12);
});
