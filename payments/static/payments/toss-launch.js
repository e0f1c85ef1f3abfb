// Opens Toss Payments' payment window with the parameters the server prepared.
(function () {
  var data = document.getElementById("toss-sdk");
  if (!data || typeof TossPayments === "undefined") return;
  var p = JSON.parse(data.textContent);
  var payment = TossPayments(p.clientKey).payment({ customerKey: p.customerKey });
  var request = {
    method: p.method,
    amount: p.amount,
    orderId: p.orderId,
    orderName: p.orderName,
    successUrl: p.successUrl,
    failUrl: p.failUrl,
    customerEmail: p.customerEmail,
    customerName: p.customerName,
  };
  if (p.virtualAccount) request.virtualAccount = p.virtualAccount;
  document.getElementById("toss-open").addEventListener("click", function () {
    payment.requestPayment(request);
  });
  payment.requestPayment(request);
})();
