// What a person reads when the troubleshooter cannot start (its code or
// wasm failed to load, compile or run): in their language, with a Reload
// button and where to get help, instead of an endless "Loading". Used by
// the standalone page's watchdog and by embed.js; plain DOM, no styles of
// its own beyond the widget's classes.

const WORDS = {
  en: ["The troubleshooter could not start on this browser.", "Reload the page to try again. If it still doesn't start, WhatsApp can help: open WhatsApp > Settings > Help > Contact us.", "Reload"],
  es: ["El asistente no pudo iniciarse en este navegador.", "Vuelve a cargar la página para intentarlo de nuevo. Si sigue sin iniciarse, WhatsApp puede ayudarte: abre WhatsApp > Ajustes > Ayuda > Contáctanos.", "Volver a cargar"],
  "pt-BR": ["Não foi possível iniciar o assistente neste navegador.", "Recarregue a página para tentar de novo. Se ainda não iniciar, o WhatsApp pode ajudar: abra WhatsApp > Configurações > Ajuda > Fale conosco.", "Recarregar"],
  hi: ["इस ब्राउज़र पर समस्या-समाधान शुरू नहीं हो सका।", "फिर से कोशिश करने के लिए पेज रीलोड करें। अगर फिर भी शुरू न हो, तो WhatsApp मदद कर सकता है: WhatsApp > सेटिंग्स > मदद > हमसे संपर्क करें खोलें।", "रीलोड करें"],
  id: ["Pemecah masalah tidak dapat dimulai di browser ini.", "Muat ulang halaman untuk mencoba lagi. Jika masih tidak bisa, WhatsApp dapat membantu: buka WhatsApp > Setelan > Bantuan > Hubungi kami.", "Muat ulang"],
  ar: ["تعذّر تشغيل أداة حل المشكلات على هذا المتصفح.", "أعد تحميل الصفحة للمحاولة مرة أخرى. إن لم تعمل بعد، يمكن لـ WhatsApp المساعدة: افتح WhatsApp > الإعدادات > المساعدة > اتصل بنا.", "إعادة التحميل"],
};

/** The supported language for `wanted` (a code like "pt", "es-MX"), else English. */
export function startupLang(wanted) {
  const codes = [wanted, ...(navigator.languages || [navigator.language])].filter(Boolean);
  for (const code of codes) {
    if (WORDS[code]) return code;
    const primary = String(code).split("-")[0].toLowerCase();
    if (primary === "pt") return "pt-BR";
    if (WORDS[primary]) return primary;
  }
  return "en";
}

/** Replaces `container`'s content with the start-up failure message. */
export function showStartupFailure(container, lang, detail) {
  const [title, help, reload] = WORDS[startupLang(lang)];
  const box = document.createElement("div");
  box.className = "bd-startup-failed";
  box.setAttribute("role", "alert");
  box.lang = startupLang(lang);
  box.dir = box.lang === "ar" ? "rtl" : "ltr";
  const heading = document.createElement("p");
  heading.className = "bd-startup-title";
  heading.textContent = title;
  const words = document.createElement("p");
  words.textContent = help;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "bd-button bd-primary";
  button.textContent = reload;
  button.addEventListener("click", () => location.reload());
  box.append(heading, words, button);
  if (detail) box.dataset.reason = String(detail).slice(0, 200);
  container.replaceChildren(box);
}
