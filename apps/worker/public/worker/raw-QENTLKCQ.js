import{a as o}from"./chunk-QRASGUEJ.js";import"./chunk-FSRPMVAS.js";var e=class extends o{decodeBlock(r){return r}};export{e as default};
