// Moving through the widget as a person does: tap a button by its words,
// answer a question, and walk "No, still stuck" to the end of a chain.

export const heading = (page) => page.locator(".bd-step h2");

/** Taps the first answer of the question shown, then waits for the step to change. */
export async function tapFirstAnswer(page) {
  const before = await headingText(page);
  await page.locator(".bd-step .bd-actions button").first().tap();
  await page.waitForFunction(
    (b) => document.querySelector(".bd-step h2")?.innerText.trim() !== b, before, { timeout: 5000 });
}

export async function headingText(page) {
  await heading(page).waitFor({ timeout: 15000 });
  return (await heading(page).innerText()).trim();
}

/** Taps a button by its visible words, then waits for the step to change. */
export async function tap(page, name) {
  const before = await headingText(page);
  await page.getByRole("button", { name, exact: true }).tap();
  await page.waitForFunction(
    (b) => document.querySelector(".bd-step h2")?.innerText.trim() !== b, before, { timeout: 5000 });
}

/**
 * Walks "not fixed" through every step from the current one to an outcome,
 * confirming warnings on the way and taking the first answer of a question
 * on the way (the key check's "I know my key"); returns the headings seen.
 */
export async function walkToOutcome(page) {
  const seen = [];
  for (let i = 0; i < 60; i++) {
    const title = await headingText(page);
    seen.push(title);
    if (await page.locator(".bd-outcome").count()) return seen;
    const confirm = page.locator(".bd-confirm");
    if (await confirm.count()) {
      await confirm.tap();
      await page.getByRole("button", { name: "No, still stuck" }).waitFor();
    }
    if (await page.locator(".bd-speed-start").count() && !(await page.locator(".bd-report").count())) {
      // The connection test, run as a person would, against this server.
      await page.locator(".bd-speed-start").tap();
      await page.locator(".bd-report").waitFor({ timeout: 20000 });
    }
    let moved = false;
    for (const name of ["No, still stuck", "Continue"]) {
      const b = page.getByRole("button", { name, exact: true });
      if (await b.count()) { await tap(page, name); moved = true; break; }
    }
    if (!moved) await tapFirstAnswer(page);
  }
  throw new Error(`no outcome after 60 steps: ${seen.join(" > ")}`);
}
