function c(i,n,r={}){let t;return n&&(t=(s,a)=>{let e=new WebAssembly.Instance(n,s);return a(e),e.exports}),i({noInitialRun:!0,instantiateWasm:t,...r})}export{c as a};
