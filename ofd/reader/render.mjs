// Renders OFD files with ofd.js (npm 0.2.6, the open-source reader; 1.5.0 is a licensed
// build that refuses files without a key) in Debian's chromium, headless: the independent
// reader of docs/ofd.md. For each FILE.ofd given it writes FILE.ofd-pN.png (page N at DPI
// dots per inch, the page's own pixels) and prints one JSON line with what ofd.js read:
// the pages and their sizes, and for each seal its own verdicts (SM2 over SES_Signature,
// SM3 over every referenced file).
//
//   node render.mjs DPI FILE.ofd...
import { chromium } from 'playwright-core';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const nm = process.env.OFD_READER_MODULES || join(here, 'node_modules');
const dpi = Number(process.argv[2]);
const files = process.argv.slice(3);

// ofd.js draws text with the system's font of the OFD's FamilyName, not the embedded
// one: OFD_READER_FONTS (the project's assets/fonts, unpacked by the test) is made a system font folder for the
// browser, as on a machine with Noto Serif SC installed.
const env = { ...process.env };
if (process.env.OFD_READER_FONTS) {
  const conf = join(mkdtempSync(join(tmpdir(), 'ofdjs-fc-')), 'fonts.conf');
  writeFileSync(conf, `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>` +
    `<include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>${process.env.OFD_READER_FONTS}</dir></fontconfig>`);
  env.FONTCONFIG_FILE = conf;
}
const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'ofdjs-')), {
  env,
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  deviceScaleFactor: 1,
  viewport: { width: 2400, height: 1600 },
});
const page = await browser.newPage();
page.on('pageerror', e => console.error('page error:', e.message));
await page.setContent('<html><body style="margin:0;background:#888"><div id="out"></div></body></html>');
for (const lib of ['ofd.js/lib/ofd.umd.min.js']) {
  await page.addScriptTag({ content: readFileSync(join(nm, lib), 'utf8') });
}
for (const file of files) {
  const b64 = readFileSync(file).toString('base64');
  const info = await page.evaluate(async ({ b64, dpi }) => {
    const bin = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    const res = await new Promise((resolve, reject) => {
      ofd.parseOfdDocument({ ofd: bin.buffer, success: resolve, fail: reject });
    });
    const doc = res[0];
    const out = document.getElementById('out');
    out.innerHTML = '';
    const box = doc.document['ofd:CommonData']['ofd:PageArea']['ofd:PhysicalBox'];
    const widthMM = Number(String(box).split(' ')[2]);
    const divs = ofd.renderOfd(dpi * widthMM / 25.4, doc);
    divs.forEach((d, i) => { d.id = 'page' + i; d.style.marginBottom = '0'; out.appendChild(d); });
    const info = { pages: divs.length, widthMM, sizes: divs.map(d => [d.style.width, d.style.height]) };
    info.seals = [];
    for (const ele of document.querySelectorAll('[name=seal_img_div]')) {
      const ses = JSON.parse(ele.dataset.sesSignature);
      const signedInfo = JSON.parse(ele.dataset.signedInfo);
      info.seals.push({ signatureVerified: signedInfo.VerifyRet, digestsVerified: ofd.digestCheck(window.toBeChecked.get(signedInfo.signatureID)), sealName: ses.SES_Signature && ses.SES_Signature.toSign && ses.SES_Signature.toSign.eseal.esealInfo.property.name });
    }
    return info;
  }, { b64, dpi });
  await page.waitForTimeout(300);
  for (let i = 0; i < info.pages; i++) {
    await page.locator('#page' + i).screenshot({ path: `${file}-p${i}.png` });
  }
  console.log(JSON.stringify({ file, ...info }));
}
await browser.close();
