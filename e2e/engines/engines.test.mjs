// The widget in the other engines people open it in: WebKit (every iPhone
// browser; WebKitGTK's MiniBrowser here) and Gecko (Firefox ESR), driven
// over W3C WebDriver with selenium-webdriver at a phone's width. The main
// flows must hold in every engine: the first step, a tap, Back and Forward,
// a reload that resumes, a warning's confirmation, a connection test result
// (against our server and a Cloudflare-style one), the element in script
// mode and the resizing iframe on a page of another origin, and dark.
//
// `cargo xtask test` starts the drivers and sets ENGINES to a JSON list of
// {name, driver, capabilities}; BASE_URL is the test server.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Builder, By, until } from "selenium-webdriver";
import { ARTIFACTS, luminance } from "../harness.mjs";
import { DEFAULT_TREE, trailsTo } from "../trails.mjs";
import { startSnippetsHost } from "../host-page.mjs";

const BASE_URL = process.env.BASE_URL ?? "http://127.0.0.1:8080/";
const ENGINES = JSON.parse(process.env.ENGINES ?? "[]");
const TRAILS = trailsTo();
const SPEED_STEP = `#step=${TRAILS.get("android-speed")}`;
/** The first step of the default tree with a warning to confirm. */
const WARNING = DEFAULT_TREE.nodes.find((n) => n.warning && n.confirm && !n.copy_of && TRAILS.has(n.id));

if (ENGINES.length === 0) throw new Error("ENGINES is empty: run these through `cargo xtask test`");

for (const engine of ENGINES) {
  describe(engine.name, () => {
    let driver;
    before(async () => {
      driver = await new Builder().usingServer(engine.driver).withCapabilities(engine.capabilities).build();
      await driver.manage().window().setRect({ width: 390, height: 844 });
      await driver.manage().setTimeouts({ script: 30000, pageLoad: 30000 });
    });
    after(async () => { await driver?.quit(); });

    /** Runs `fn(...args)` in the page; the value comes back as JSON. */
    const run = async (fn, ...args) =>
      JSON.parse(await driver.executeScript(
        `return Promise.resolve((${fn})(...arguments)).then((v) => JSON.stringify(v === undefined ? null : v));`,
        ...args));
    /** Polls `fn(...args)` in the page until it gives a truthy value. */
    const poll = (what, fn, timeout = 15000, ...args) =>
      driver.wait(async () => run(fn, ...args), timeout, `${engine.name}: ${what}`);
    const heading = () => poll("a step's heading", () => document.querySelector(".bd-step h2")?.textContent.trim());
    const headingBecomes = (text, what) =>
      poll(what, (t) => document.querySelector(".bd-step h2")?.textContent.trim() === t, 15000, text);
    /**
     * Opens `path` in a new document (by way of about:blank: a URL that
     * differs only in its fragment would not load one) and waits for its
     * first step.
     */
    const open = async (path) => {
      await driver.get("about:blank");
      await driver.get(new URL(path, BASE_URL).href);
      return heading();
    };
    const tapFirstAnswer = async () => {
      const before = await heading();
      await tap(".bd-step .bd-actions button");
      return poll("the next step", (b) => {
        const now = document.querySelector(".bd-step h2")?.textContent.trim();
        return now && now !== b ? now : null;
      }, 15000, before);
    };
    /**
     * Clicks the element `css` finds, as a tap would; finds it again if the
     * widget re-rendered it between finding and clicking (a stale element).
     */
    const tap = async (css) => {
      for (let attempt = 1; ; attempt++) {
        try {
          await driver.wait(until.elementLocated(By.css(css)), 15000).click();
          return;
        } catch (e) {
          if (e.name !== "StaleElementReferenceError" || attempt === 3) throw e;
        }
      }
    };
    const shot = async (name) => {
      writeFileSync(join(ARTIFACTS, `${engine.name}-${name}.png`), Buffer.from(await driver.takeScreenshot(), "base64"));
    };

    test("the first step shows, a tap moves on, Back and Forward move by a step, a reload resumes", async () => {
      await open("?lang=en");
      await run(() => localStorage.clear());
      const first = await open("?lang=en");
      const second = await tapFirstAnswer();
      await driver.navigate().back();
      await headingBecomes(first, "Back to the first step");
      await driver.navigate().forward();
      await headingBecomes(second, "Forward to the second step");
      await driver.navigate().refresh();
      await headingBecomes(second, "the same step after a reload");
      await shot("step");
    });

    test("a warning step shows its instructions only once confirmed", async () => {
      assert.ok(WARNING, "the default tree has a step with a warning");
      await open(`?lang=en#step=${TRAILS.get(WARNING.id)}`);
      const answers = () => run(() => [...document.querySelectorAll(".bd-step .bd-actions button")].map((b) => b.textContent.trim()));
      assert.ok(await run(() => Boolean(document.querySelector(".bd-warning"))), "the warning shows");
      assert.ok(!(await answers()).includes("No, still stuck"), "no answer before confirming");
      await tap(".bd-confirm");
      await poll("the answers after confirming", () =>
        [...document.querySelectorAll(".bd-step .bd-actions button")].some((b) => b.textContent.trim() === "No, still stuck"));
    });

    for (const [server, query, timing] of [
      ["our server", "?lang=en", "server"],
      ["a Cloudflare-style server", "?lang=en&speedtest=/__fault/endpoint/cloudflare", "browser"],
    ]) {
      test(`the connection test gives download and upload figures against ${server}`, async () => {
        await open(`${query}${SPEED_STEP}`);
        await run(() => {
          window.__speed = null;
          document.addEventListener("backup-doctor:speedtest", (e) => { window.__speed = e.detail; }, { once: true });
        });
        await tap(".bd-speed-start");
        const detail = await poll("the result", () => window.__speed, 30000);
        assert.equal(detail.error, null, JSON.stringify(detail));
        assert.ok(detail.downloadMbps > 0 && Number.isFinite(detail.downloadMbps), JSON.stringify(detail));
        assert.ok(detail.uploadMbps > 0 && Number.isFinite(detail.uploadMbps), JSON.stringify(detail));
        assert.equal(detail.uploadTiming, timing);
        const report = await driver.wait(until.elementLocated(By.css(".bd-report")), 5000).getText();
        assert.doesNotMatch(report, /NaN|Infinity|undefined/);
      });
    }

    test("on a page of another origin, the element is styled and light, and the iframe resizes", async () => {
      const host = await startSnippetsHost(new URL(BASE_URL).href);
      try {
        await driver.get(host.url);
        const look = await poll("a styled element", () => {
          const root = document.querySelector("backup-doctor")?.shadowRoot;
          const button = root?.querySelector(".bd-step .bd-actions button");
          const widget = root?.querySelector(".bd-widget");
          if (!button || !widget) return null;
          const b = getComputedStyle(button);
          return {
            border: b.borderTopWidth,
            buttonBg: b.backgroundColor,
            card: getComputedStyle(widget).backgroundColor,
            radius: getComputedStyle(widget).borderTopLeftRadius,
            height: button.getBoundingClientRect().height,
          };
        });
        assert.notEqual(look.border, "0px", JSON.stringify(look));
        assert.notEqual(look.radius, "0px", JSON.stringify(look));
        assert.ok(look.height >= 44, JSON.stringify(look));
        assert.ok(luminance(look.card) > 0.8, `a light card: ${JSON.stringify(look)}`);
        assert.doesNotMatch(look.buttonBg, /rgba\(0, 0, 0, 0\)|transparent/, "buttons have a background");
        // A tap in the element moves it on and tells the page.
        const step = await run(() => {
          const root = document.querySelector("backup-doctor").shadowRoot;
          window.__step = null;
          document.addEventListener("backup-doctor:step", (e) => { window.__step = e.detail.node; }, { once: true });
          [...root.querySelectorAll(".bd-step .bd-actions button")].find((b) => b.textContent.trim() === "iPhone").click();
          return true;
        });
        assert.ok(step);
        assert.equal(await poll("the step event", () => window.__step), "ios-symptom");
        const height = await poll("the iframe to fit its content", () => {
          const frame = document.getElementById("backup-doctor-frame");
          return frame.style.height !== "600px" ? frame.getBoundingClientRect().height : null;
        });
        assert.ok(height > 200 && height < 3000, `iframe height ${height}`);
        await shot("another-origin");
      } finally {
        host.close();
      }
    });

    test("theme=dark is dark around the card and in it", async () => {
      await open("?lang=en&theme=dark");
      const [page, card] = await run(() => [
        getComputedStyle(document.body).backgroundColor,
        getComputedStyle(document.querySelector(".bd-widget")).backgroundColor,
      ]);
      assert.ok(luminance(page) < 0.2 && luminance(card) < 0.2, `${page} / ${card}`);
      await shot("dark");
    });
  });
}
