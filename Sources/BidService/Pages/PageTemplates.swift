import BidDesks
import BidDomain
/// The portal's mustache templates (hummingbird-project/swift-mustache), compiled into the
/// binary so that `ebid serve` needs no template directory. `{{x}}` escapes HTML; the only
/// unescaped values (`{{{…}}}`) are the SVG charts, which PageCharts builds from numbers and
/// escaped labels.
enum PageTemplates {
    static let all: [String: String] = [
        "base": base, "home": home, "tenders": tenders, "tender": tender, "credit": credit, "credit-list": creditList,
        "statistics": statistics, "error": error, "open-data": openData, "tender-rows": tenderRows, "verify": verify, "credit-rows": creditRows,
        "supervise": supervise, "supervise-login": superviseLogin,
    ]

    static let base = """
    <!DOCTYPE html>
    <html lang="zh-CN" data-now="{{nowISO}}">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} — {{site}}</title>
    <link rel="stylesheet" href="/assets/portal.css">
    </head>
    <body>
    <a class="skip" href="#main">跳到正文</a>
    <header class="site"><div class="wrap">
    <a class="brand" href="/">{{site}}</a>
    <nav aria-label="主导航"><ul>
    <li><a href="/"{{#navHome}} aria-current="page"{{/navHome}}>首页</a></li>
    <li><a href="/tenders"{{#navTenders}} aria-current="page"{{/navTenders}}>招标项目</a></li>
    <li><a href="/credit"{{#navCredit}} aria-current="page"{{/navCredit}}>信用信息</a></li>
    <li><a href="/statistics"{{#navStatistics}} aria-current="page"{{/navStatistics}}>统计分析</a></li>
    <li><a href="/open-data"{{#navOpenData}} aria-current="page"{{/navOpenData}}>开放数据</a></li>
    </ul></nav>
    </div></header>
    {{#notice}}<p class="notice" role="note">{{notice}}</p>{{/notice}}
    <main id="main" class="wrap">
    {{$content}}{{/content}}
    </main>
    <footer class="site"><div class="wrap">
    <p>时间均为北京时间（{{nowText}}）。下载招标文件无需注册，平台不记录下载者（《电子招标投标办法》第二十条）。签名文件可离线验证：平台证书 <a href="/v1/platform/certificate">/v1/platform/certificate</a>。</p>
    </div></footer>
    <script src="/assets/portal.js" defer></script>
    </body>
    </html>
    """

    static let tenderRows = """
    <div class="table"><table>
    <caption class="skip">{{caption}}</caption>
    <thead><tr><th scope="col">项目</th><th scope="col">类别</th><th scope="col">招标人</th><th scope="col">状态</th><th scope="col">{{timeHeading}}</th></tr></thead>
    <tbody>
    {{#rows}}
    <tr><td><a href="{{href}}">{{title}}</a><br><small>{{id}} · 标段 {{section}}</small></td><td>{{category}}</td><td>{{tenderer}}</td>
    <td><span class="stage stage-{{stage}}">{{stageLabel}}</span></td>
    <td class="num">{{time}}{{#remaining}}<br><small>剩余 <time datetime="{{deadlineISO}}" data-countdown>{{remaining}}</time></small>{{/remaining}}</td></tr>
    {{/rows}}
    </tbody></table></div>
    """

    static let home = """
    {{<base}}{{$content}}
    <h1>公共资源交易 · 电子招标投标</h1>
    <form class="lookup" action="/tenders" method="get" role="search">
    <div><label for="q">搜索招标项目</label><input id="q" name="q" type="search" placeholder="项目名称或编号"></div>
    <button type="submit">搜索</button>
    </form>
    <h2 id="taking-bids">正在招标</h2>
    {{#takingBidsTable}}{{>tender-rows}}{{/takingBidsTable}}
    {{^takingBids}}<p class="empty">目前没有正在接受投标的项目。</p>{{/takingBids}}
    <h2 id="opened">最新开标记录</h2>
    {{#openedTable}}{{>tender-rows}}{{/openedTable}}
    {{^opened}}<p class="empty">暂无开标记录。</p>{{/opened}}
    <h2 id="results">最新结果公示</h2>
    {{#resultsTable}}{{>tender-rows}}{{/resultsTable}}
    {{^results}}<p class="empty">暂无中标候选人公示或中标结果。</p>{{/results}}
    {{/content}}{{/base}}
    """

    static let tenders = """
    {{<base}}{{$content}}
    <h1>招标项目</h1>
    <form class="filters" action="/tenders" method="get" role="search" aria-label="筛选招标项目">
    <div><label for="q">关键词</label><input id="q" name="q" type="search" value="{{q}}"></div>
    <div><label for="stage">状态</label><select id="stage" name="stage"><option value="">全部</option>
    {{#stages}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/stages}}</select></div>
    <div><label for="category">类别</label><select id="category" name="category"><option value="">全部</option>
    {{#categories}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/categories}}</select></div>
    <div><label for="from">发布日期自</label><input id="from" name="from" type="date" value="{{from}}"></div>
    <div><label for="to">至</label><input id="to" name="to" type="date" value="{{to}}"></div>
    <div><button type="submit">查询</button></div>
    </form>
    <p id="count" role="status">共 {{total}} 个项目{{#pageCount}}，第 {{page}} / {{pageCount}} 页{{/pageCount}}</p>
    {{#listTable}}{{>tender-rows}}{{/listTable}}
    {{^rows}}<p class="empty">没有符合条件的项目。</p>{{/rows}}
    <nav class="pages" aria-label="分页">
    {{#previous}}<a href="{{previous}}" rel="prev">上一页</a>{{/previous}}
    {{#next}}<a href="{{next}}" rel="next">下一页</a>{{/next}}
    </nav>
    {{/content}}{{/base}}
    """

    static let tender = """
    {{<base}}{{$content}}
    <p><a href="/tenders">招标项目</a> › {{id}}</p>
    <h1>{{title}}{{#sectionName}} <small>{{sectionName}}</small>{{/sectionName}}</h1>
    <p><span class="stage stage-{{stage}}" id="stage">{{stageLabel}}</span></p>
    <dl class="facts">
    <dt>项目编号</dt><dd>{{id}}（标段 {{section}}）</dd>
    <dt>类别</dt><dd>{{category}}</dd>
    <dt>招标人</dt><dd>{{tenderer}}</dd>
    {{#agency}}<dt>招标代理</dt><dd>{{agency}}</dd>{{/agency}}
    {{#maximumPrice}}<dt>最高投标限价</dt><dd>{{maximumPrice}} 元（{{maximumPriceWords}}）</dd>{{/maximumPrice}}
    <dt>文件发售</dt><dd>{{issueStart}} 至 {{issueEnd}}</dd>
    <dt>投标截止 / 开标</dt><dd>{{deadline}}{{#remaining}}（剩余 <time datetime="{{deadlineISO}}" data-countdown>{{remaining}}</time>）{{/remaining}}</dd>
    <dt>开标方式</dt><dd>{{decryption}}</dd>
    <dt>评标办法</dt><dd>{{method}}{{#committeeSize}}，评标委员会 {{committeeSize}} 人{{/committeeSize}}</dd>
    </dl>

    <h2 id="timeline">项目进程</h2>
    <ol class="timeline">
    {{#timeline}}<li class="{{state}}"><span>{{label}}</span><span class="when">{{when}}</span></li>{{/timeline}}
    </ol>

    <h2 id="announcement">招标公告</h2>
    <div class="announcement">{{announcement}}</div>

    <h2 id="documents">招标文件</h2>
    {{#hasDocuments}}<div class="table"><table>
    <thead><tr><th scope="col">文件</th><th scope="col" class="num">大小</th><th scope="col">SHA-256</th></tr></thead>
    <tbody>{{#documents}}<tr><td><a href="{{href}}" download>{{name}}</a>{{#amendment}} <small>（第 {{amendment}} 号澄清/修改）</small>{{/amendment}}</td><td class="num">{{size}}</td><td><code>{{sha256}}</code></td></tr>{{/documents}}</tbody>
    </table></div>
    <p>下载无需登录，平台不记录下载者。核对：<code>sha256sum 文件名</code> 应与上表一致。</p>{{/hasDocuments}}
    {{^hasDocuments}}<p class="empty">暂无文件。</p>{{/hasDocuments}}

    <h2 id="amendments">澄清与修改</h2>
    {{#amendments}}<h3>第 {{number}} 号：{{title}}</h3><p class="announcement">{{text}}</p><p>发布于 {{publishedAt}}{{#newDeadline}}；投标截止时间改为 {{newDeadline}}{{/newDeadline}}</p>{{/amendments}}
    {{^amendments}}<p class="empty">暂无澄清或修改。</p>{{/amendments}}

    <h2 id="opening">开标记录</h2>
    {{#beforeDeadline}}<p class="secrecy">投标截止前，任何人不得知悉已获取招标文件或已提交投标文件的潜在投标人的名称和数量（《招标投标法》第二十二条）。开标记录于开标后公布。</p>{{/beforeDeadline}}
    {{#openingUnderWay}}<p>{{#openingStartedAt}}开标进行中（{{openingStartedAt}} 开始）：投标人正在远程解密。{{/openingStartedAt}}{{^openingStartedAt}}投标已截止，即将开标。{{/openingStartedAt}}开标记录签署后在此公布。</p>{{/openingUnderWay}}
    {{#record}}
    <p>{{outcome}}：{{bidCount}} 家投标，开标于 {{completedAt}}。{{#failureReason}}{{failureReason}}{{/failureReason}}</p>
    <div class="table"><table>
    <thead><tr><th scope="col">投标人</th><th scope="col">统一社会信用代码</th><th scope="col">递交时间</th><th scope="col">解密</th>{{#itemHeadings}}<th scope="col">{{.}}</th>{{/itemHeadings}}</tr></thead>
    <tbody>{{#entries}}<tr><td>{{name}}</td><td>{{creditCode}}</td><td class="num">{{receivedAt}}</td><td>{{state}}</td>{{#items}}<td class="num">{{.}}</td>{{/items}}</tr>{{/entries}}</tbody>
    </table></div>
    {{#document}}{{>verify}}{{/document}}
    {{/record}}

    {{#evaluating}}<h2 id="evaluation">评标</h2><p>评标委员会正在封闭评审。评标委员会成员名单在中标结果确定前保密（《招标投标法》第三十七条）。</p>{{/evaluating}}

    {{#publicity}}
    <h2 id="candidates">中标候选人公示</h2>
    <p>公示期：{{from}} 至 {{until}}{{#open}}（公示中）{{/open}}。</p>
    <div class="table"><table>
    <thead><tr><th scope="col">排名</th><th scope="col">中标候选人</th><th scope="col">统一社会信用代码</th><th scope="col" class="num">投标报价（元）</th><th scope="col" class="num">综合得分</th></tr></thead>
    <tbody>{{#candidates}}<tr><td>第 {{rank}} 名</td><td>{{name}}</td><td>{{creditCode}}</td><td class="num">{{price}}</td><td class="num">{{total}}</td></tr>{{/candidates}}</tbody>
    </table></div>
    {{#open}}<h3>如何提出异议</h3>
    <p>本项目的投标人对评标结果有异议的，应当在公示期内提出（《招标投标法实施条例》第五十四条）；招标人自收到异议之日起 3 日内作出答复，作出答复前暂停招标投标活动。投标人用 CA 证书登录后提交：</p>
    <pre class="cmd">ebid result object --server {{server}} --tender {{tenderId}} --text "异议内容" --cert 投标人证书.pem --key 投标人私钥.pem</pre>{{/open}}
    {{#document}}{{>verify}}{{/document}}
    {{/publicity}}

    {{#hasObjections}}<h3 id="objections">异议及答复</h3>
    <ol>{{#objections}}<li><p>{{raisedAt}} 投标人提出：{{text}}</p>{{#answer}}<p>{{answeredAt}} 招标人答复：{{answer}}</p>{{/answer}}{{^answer}}<p>待答复。</p>{{/answer}}</li>{{/objections}}</ol>{{/hasObjections}}

    {{#award}}
    <h2 id="award">中标结果</h2>
    <dl class="facts"><dt>中标人</dt><dd id="winner">{{winner}}</dd><dt>中标价</dt><dd>{{price}} 元（{{priceWords}}）</dd><dt>定标时间</dt><dd>{{awardedAt}}</dd>{{#reason}}<dt>说明</dt><dd>{{reason}}</dd>{{/reason}}</dl>
    <h3>结果通知</h3>
    <ul>{{#notices}}<li>{{bidder}}：{{result}}</li>{{/notices}}</ul>
    <h3 id="committee">评标委员会成员</h3>
    <ul>{{#committee}}<li>{{name}}</li>{{/committee}}</ul>
    <p>专家抽取记录（可复核的随机抽取，摘要 <code>{{drawDigest}}</code>）随结果公开：<code>ebid result show --server {{server}} --tender {{tenderRaw}} --draw-out draw.json</code> 保存后，用 <code>ebid draw verify --in draw.json</code> 复算评标委员会。</p>
    {{#document}}{{>verify}}{{/document}}
    {{/award}}
    {{/content}}{{/base}}
    """

    static let verify = """
    <div class="verify">
    <p><strong>{{label}}</strong>（平台签名的数据电文，《电子签名法》第十四条）：<a href="{{json}}" download>{{file}}</a> · <a href="{{sig}}" download>{{file}}.sig</a></p>
    <details><summary>如何验证</summary>
    <p>用 ebid：</p>
    <pre>curl -sO {{server}}{{json}}; curl -sO {{server}}{{sig}}
    curl -s {{server}}/v1/platform/certificate &gt; platform.pem
    ebid record verify --in {{file}} --platform-cert platform.pem</pre>
    <p>只用 openssl：</p>
    <pre>openssl x509 -in platform.pem -pubkey -noout &gt; platform.pub
    {{openssl}}</pre>
    </details>
    </div>
    """

    static let credit = """
    {{<base}}{{$content}}
    <h1>信用信息查询</h1>
    <p>查询企业或人员在本平台公布的不良行为记录（免费查询，《招标投标违法行为记录公告暂行办法》第九条）。另见 <a href="/credit/list">违法违规企业名单</a>（公告期内的记录）。</p>
    <form class="lookup" action="/credit" method="get" role="search">
    <div><label for="code">统一社会信用代码或身份证号</label><input id="code" name="code" value="{{code}}" required></div>
    <button type="submit">查询</button>
    </form>
    {{#unknown}}<p role="status" class="empty">{{unknown}}</p>{{/unknown}}
    {{#subject}}
    <h2 id="subject">{{name}}（{{code}}）</h2>
    {{#restricted}}<p class="card-red">正在执行的限制：</p><ul>{{#restrictions}}<li>{{kind}}：{{term}}，{{authority}} {{decisionNumber}}</li>{{/restrictions}}</ul>{{/restricted}}
    {{^restricted}}<p>目前没有正在执行的限制。</p>{{/restricted}}
    {{#hasRecords}}{{#recordsTable}}{{>credit-rows}}{{/recordsTable}}{{/hasRecords}}
    {{^hasRecords}}<p class="empty">没有公布的不良行为记录。</p>{{/hasRecords}}
    {{/subject}}
    {{/content}}{{/base}}
    """

    static let creditRows = """
    <div class="table"><table>
    <thead><tr><th scope="col">当事人</th><th scope="col">违法行为</th><th scope="col">处理依据</th><th scope="col">处理决定</th><th scope="col">决定机关 / 文号 / 日期</th><th scope="col">公告期</th><th scope="col">签名记录</th></tr></thead>
    <tbody>{{#rows}}<tr><td><a href="/credit?code={{codeQuery}}">{{name}}</a><br><small>{{code}}</small></td><td>{{facts}}</td><td>{{legalBasis}}</td><td>{{penalty}}{{#status}}<br><small>{{status}}</small>{{/status}}</td>
    <td>{{authority}}<br>{{decisionNumber}}<br>{{decisionDate}}</td><td>{{listed}}</td><td><a href="/v1/credit/records/{{id}}">{{id}}</a></td></tr>{{/rows}}</tbody>
    </table></div>
    <p>签名记录可离线验证：<code>ebid credit get ID --out r.json</code>，再 <code>ebid record verify --in r.json --platform-cert platform.pem</code>。</p>
    """

    static let creditList = """
    {{<base}}{{$content}}
    <h1>违法违规企业名单</h1>
    <p>公告期内的不良行为记录：一般公告 6 个月，限制期更长的至限制期满（《招标投标违法行为记录公告暂行办法》第九条）。期满后仍可在 <a href="/credit">信用信息查询</a> 中查到。</p>
    {{#hasRows}}{{>credit-rows}}{{/hasRows}}
    {{^hasRows}}<p class="empty">公告期内没有不良行为记录。</p>{{/hasRows}}
    <nav class="pages" aria-label="分页">{{#next}}<a href="{{next}}" rel="next">下一页</a>{{/next}}</nav>
    {{/content}}{{/base}}
    """

    static let statistics = """
    {{<base}}{{$content}}
    <h1>统计分析</h1>
    <div class="figures">
    <div class="figure">发布项目<strong id="published">{{published}}</strong></div>
    <div class="figure">已开标<strong id="opened">{{opened}}</strong></div>
    <div class="figure">平均投标人数<strong id="average-bids">{{averageBids}}</strong></div>
    <div class="figure">中标价平均下浮率<strong id="average-discount">{{averageDiscount}}</strong><small>相对最高投标限价，{{awards}} 个项目</small></div>
    <div class="figure">流标<strong>{{failed}}</strong></div>
    {{#onTime}}<div class="figure">按时办结率<strong id="on-time">{{onTime}}</strong><small>电子监察：{{steps}} 个有时限的环节</small></div>{{/onTime}}
    </div>
    <h2 id="per-month">每月发布项目数</h2>
    {{{perMonthChart}}}
    <h2 id="bidders">每个项目的投标人数</h2>
    {{{biddersChart}}}
    <h2 id="discount">中标价下浮率（按定标月份）</h2>
    {{{discountChart}}}
    <p>数据只取已公开的信息：投标人数来自已公布的开标记录，中标价来自中标结果；投标截止前的项目不计入投标人数（《招标投标法》第二十二条）。</p>
    {{/content}}{{/base}}
    """

    static let openData = """
    {{<base}}{{$content}}
    <h1>开放数据</h1>
    <p>本平台按开放合同数据标准（Open Contracting Data Standard, OCDS 1.1）发布招标、澄清修改、中标和合同数据；投标人信息在开标记录公布后才出现。</p>
    <ul>
    <li><a href="/v1/ocds/releases">/v1/ocds/releases</a> — 全部发布（release package，可分页 <code>?offset=&amp;limit=</code>）</li>
    <li><a href="/v1/ocds/releases.json" download>/v1/ocds/releases.json</a> — 批量下载</li>
    <li><code>/v1/ocds/tenders/项目编号/record</code> — 单个项目的记录（record package）</li>
    <li><a href="/v1/ocds/extension/extension.json">ebid 中国扩展</a>：标段、最高投标限价、开标方式等字段</li>
    </ul>
    <p>用开放合同伙伴关系的验证工具检查：<code>libcoveocds -s 1.1 releases.json</code>。</p>
    {{/content}}{{/base}}
    """

    static let error = """
    {{<base}}{{$content}}
    <h1>{{heading}}</h1>
    <p>{{detail}}</p>
    <p><a href="/">返回首页</a></p>
    {{/content}}{{/base}}
    """

    static let supervise = """
    {{<base}}{{$content}}
    <h1>电子监察</h1>
    <p>每个有时限的环节由系统自动监察：期限前催办，逾期黄牌，严重逾期或屡次逾期红牌；环节办结后自动销号，记录永不删除，均记入账本。</p>
    <h2 id="open-cards">未销号</h2>
    {{#hasOpen}}<div class="table"><table>
    <thead><tr><th scope="col">级别</th><th scope="col">项目</th><th scope="col">事项</th><th scope="col">依据</th><th scope="col">期限</th><th scope="col">发出</th></tr></thead>
    <tbody>{{#open}}<tr><td class="card-{{level}}">{{label}}</td><td>{{tender}}</td><td>{{text}}</td><td>{{article}}</td><td class="num">{{due}}</td><td class="num">{{raised}}</td></tr>{{/open}}</tbody>
    </table></div>{{/hasOpen}}
    {{^hasOpen}}<p class="empty">没有未销号的催办、黄牌、红牌或预警。</p>{{/hasOpen}}
    <h2 id="efficiency">效能评估</h2>
    <div class="table"><table>
    <thead><tr><th scope="col">范围</th><th scope="col">名称</th><th scope="col" class="num">环节</th><th scope="col" class="num">已办结</th><th scope="col" class="num">按时办结率</th><th scope="col" class="num">逾期未办</th><th scope="col" class="num">平均逾期</th><th scope="col" class="num">最长逾期</th><th scope="col" class="num">发牌</th><th scope="col" class="num">销号</th></tr></thead>
    <tbody>{{#rows}}<tr><td>{{scope}}</td><td>{{name}}</td><td class="num">{{steps}}</td><td class="num">{{done}}</td><td class="num">{{onTime}}</td><td class="num">{{overdue}}</td><td class="num">{{average}}</td><td class="num">{{worst}}</td><td class="num">{{raised}}</td><td class="num">{{closed}}</td></tr>{{/rows}}</tbody>
    </table></div>
    <h2 id="closed-cards">最近销号</h2>
    {{#hasRecent}}<div class="table"><table>
    <thead><tr><th scope="col">级别</th><th scope="col">项目</th><th scope="col">事项</th><th scope="col">发出</th><th scope="col">销号</th></tr></thead>
    <tbody>{{#recent}}<tr><td class="card-{{level}}">{{label}}</td><td>{{tender}}</td><td>{{text}}</td><td class="num">{{raised}}</td><td class="num">{{closed}}</td></tr>{{/recent}}</tbody>
    </table></div>{{/hasRecent}}
    {{^hasRecent}}<p class="empty">暂无。</p>{{/hasRecent}}
    {{/content}}{{/base}}
    """

    static let superviseLogin = """
    {{<base}}{{$content}}
    <h1>电子监察</h1>
    <p>监督人员的页面需要登录。平台不保存密码：在本机用 CA 证书登录 ebid，取得一次性链接（2 分钟内有效，只能用一次）：</p>
    <pre class="cmd">ebid supervise login --server 本平台地址 --cert 监督人员证书.pem --key 监督人员私钥.pem</pre>
    <p>{{detail}}</p>
    {{/content}}{{/base}}
    """
}
