console.log("eval args", process.argv.slice(2));
